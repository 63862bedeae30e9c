#!/usr/bin/env bash
# GPU check of scripts/mednext on a machine with a CUDA PyTorch in python3 (see README.md here). Log: $OUT/log.
OUT="${OUT:-/tmp/gpu-check}"; mkdir -p "$OUT"
exec > >(tee "$OUT/log") 2>&1
set -x
date; nvidia-smi -L; uname -m
python3 -c "import torch;print('torch', torch.__version__, 'cuda', torch.version.cuda, torch.cuda.is_available())"
TL=$(python3 -c "import torch,os;print(os.path.join(os.path.dirname(torch.__file__),'lib'))")
ls "$TL"
ls /usr/local/cuda/lib64/libcudart* 2>/dev/null; ldconfig -p | grep -i cudart
command -v java || { mkdir -p /tmp/jre && tar xJf .gpu/jre.txz -C /tmp/jre && export PATH=/tmp/jre/bin:$PATH; }
java -version
python3 - <<PY
import torch, ctypes
try:
    ctypes.CDLL('.gpu/libdjl_torch_cu128.so', mode=ctypes.RTLD_GLOBAL); print('JNI (2.7.1 cu128) loads against this torch')
except OSError as e:
    print('JNI load failed:', e)
PY
if command -v nm >/dev/null; then
  nm -D --undefined-only .gpu/libdjl_torch_cu128.so | awk '{print $2}' | sort -u > /tmp/undef
  for f in "$TL"/libc10.so "$TL"/libc10_cuda.so "$TL"/libtorch_cpu.so "$TL"/libtorch_cuda.so "$TL"/libtorch.so; do nm -D --defined-only "$f"; done | awk '{print $3}' | sort -u > /tmp/def
  echo "undefined torch symbols of the JNI not in this torch: $(comm -23 /tmp/undef /tmp/def | grep -c '^_ZN\(2at\|3c10\|5torch\|6caffe2\)')"
  comm -23 /tmp/undef /tmp/def | grep '^_ZN\(2at\|3c10\|5torch\)' | head -5 | c++filt
fi
# the jars travelled in .gpu/m2: point the class path there (this checkout is a copy made for the check)
sed -i "s|[^:]*/\.m2/|$PWD/.gpu/m2/|g" target/runtime.classpath
touch target/MedNeXt_Fiji.jar target/runtime.classpath
export MEDNEXT_CDS=0 MEDNEXT_LIBTORCH="$TL"
T=""; [ -x /usr/bin/time ] && T="/usr/bin/time -f %e_s_wall_%M_KB_peak"
in=sample-data/mricron-colin27-aal/ch2.nii.gz; m=models/demo-colin-structures
run() { local name=$1; shift; echo "== $name"; $T timeout 150 scripts/mednext predict -i $in -m $m --disable_progress_bar "$@"; echo "rc=$?"; }
run gpu -o $OUT/gpu --device gpu --save_probabilities --verbose
if [ ! -f $OUT/gpu/ch2.nii.gz ]; then
  export LD_LIBRARY_PATH=/usr/local/cuda/lib64:$TL
  run gpu-ldpath -o $OUT/gpu --device gpu --save_probabilities --verbose
fi
if [ -f $OUT/gpu/ch2.nii.gz ]; then
  run auto -o /tmp/auto
  run cpu -o /tmp/cpu --device cpu --threads 16
  run gpu-notta -o /tmp/gpu-notta --device gpu --disable_tta
  python3 - <<PY
import gzip, numpy as np
def lab(p):
    b = gzip.open(p).read(); return np.frombuffer(b[352:], np.uint8)
g, a, c = lab('$OUT/gpu/ch2.nii.gz'), lab('/tmp/auto/ch2.nii.gz'), lab('/tmp/cpu/ch2.nii.gz')
print('voxels', g.size, 'gpu vs cpu differ', int((g != c).sum()), 'auto vs gpu differ', int((a != g).sum()))
PY
  timeout 60 scripts/mednext demo --write-training-data /tmp/td
  $T timeout 200 scripts/mednext train -d /tmp/td -o /tmp/tm --width 8 --epochs 2 --iterations-per-epoch 5 --val-iterations 2 --device gpu; echo "rc=$?"
  ls -la /tmp/tm /tmp/tm/* | head -20
fi
nvidia-smi --query-gpu=memory.used --format=csv
date
