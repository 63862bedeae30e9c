#!/usr/bin/env bash
# GPU check of scripts/mednext on a machine with a CUDA PyTorch in python3 (see README.md here). Run it in a copy of
# the checkout made for the check (it rewrites target/runtime.classpath). Log: $OUT/log (default /tmp/gpu-check).
# With .gpu/djl-native (prepare with DJL_NATIVE_SRC) and a torch other than 2.7.1, DJL's bridge is first built for
# that torch. About 2-3 minutes; exit 0 when every step passed.
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2
OUT="${OUT:-/tmp/gpu-check}"
work=/tmp/gpu-check-work
mkdir -p "$OUT" && rm -rf "$work" "$OUT"/gpu && mkdir -p "$work"

main() {
  set -x
  date; nvidia-smi -L; uname -m
  python3 -c "import torch;print('torch', torch.__version__, 'cuda', torch.version.cuda, torch.cuda.is_available())"
  TL=$(python3 -c "import torch,os;print(os.path.join(os.path.dirname(torch.__file__),'lib'))") || return 1
  ls "$TL"
  ls /usr/local/cuda/lib64/libcudart* 2>/dev/null; ldconfig -p | grep -i cudart
  command -v java || { mkdir -p "$work/jre" && tar xJf .gpu/jre.txz -C "$work/jre" && export PATH="$work/jre/bin:$PATH"; }
  java -version
  python3 - <<'PY'
import torch, ctypes
try:
    ctypes.CDLL('.gpu/libdjl_torch_cu128.so', mode=ctypes.RTLD_GLOBAL); print('JNI (2.7.1 cu128) loads against this torch')
except OSError as e:
    print('JNI load failed:', e)
PY
  if command -v nm >/dev/null; then
    nm -D --undefined-only .gpu/libdjl_torch_cu128.so | awk '{print $2}' | sort -u >"$work/undef"
    for f in "$TL"/libc10.so "$TL"/libc10_cuda.so "$TL"/libtorch_cpu.so "$TL"/libtorch_cuda.so "$TL"/libtorch.so; do
      nm -D --defined-only "$f"
    done | awk '{print $3}' | sort -u >"$work/def"
    echo "libtorch symbols the JNI needs that this torch lacks: $(comm -23 "$work/undef" "$work/def" | grep -c '^_ZN\(2at\|3c10\|5torch\|6caffe2\)')"
    comm -23 "$work/undef" "$work/def" | grep '^_ZN\(2at\|3c10\|5torch\)' | head -5 | c++filt
  fi
  # the jars travelled in .gpu/m2: point the class path there
  sed -i "s|[^:]*/\.m2/|$PWD/.gpu/m2/|g" target/runtime.classpath
  touch target/MedNeXt_Fiji.jar target/runtime.classpath # copied sources may look newer: no rebuild (no Maven there)
  local tv flavor djl
  tv=$(python3 -c "import torch;print(torch.__version__.split('+')[0])")
  if [ "$tv" != 2.7.1 ] && [ -d .gpu/djl-native ]; then
    # the jar's bridge is C++ built against libtorch 2.7.1: build one for this torch, where DJL looks for it
    flavor=$(python3 -c "import torch;v=torch.version.cuda;print('cu'+v.replace('.','') if v else 'cpu')")
    djl=$(grep -o 'pytorch-engine-[0-9.]*\.jar' target/runtime.classpath | sed 's/pytorch-engine-//; s/\.jar$//')
    local dir="$work/djl/pytorch/$tv-$flavor-linux-$(uname -m)" # DJL's cache folder for that version and flavour
    mkdir -p "$dir"
    time bash tools/gpu-check/build-jni .gpu/djl-native "$dir/$djl-libdjl_torch.so" || return 1
    echo "== without PYTORCH_VERSION naming that bridge: refused with the versions and the fix"
    MEDNEXT_CDS=0 MEDNEXT_LIBTORCH="$TL" timeout 60 scripts/mednext predict -i sample-data/mricron-colin27-aal/ch2.nii.gz \
      -m models/demo-colin-structures -o "$work/refused" --device gpu 2>&1 | tee "$work/refused.log"
    grep -q "native bridge works with libtorch 2.7.1 only" "$work/refused.log" || return 1
    export DJL_CACHE_DIR="$work/djl" PYTORCH_VERSION="$tv" MEDNEXT_LIBTORCH_FLAVOR="$flavor"
  fi
  export MEDNEXT_CDS=0 MEDNEXT_LIBTORCH="$TL"
  local in=sample-data/mricron-colin27-aal/ch2.nii.gz m=models/demo-colin-structures failed=0
  if [ "${SPEED:-0}" = only ]; then timeout 60 scripts/mednext demo --write-training-data "$work/td" && speed; return; fi
  run() { local name=$1; shift; echo "== $name"; timeout 120 scripts/mednext predict -i $in -m $m --disable_progress_bar "$@"; }
  run gpu -o "$OUT/gpu" --device gpu --save_probabilities --verbose || failed=1
  if [ ! -f "$OUT/gpu/ch2.nii.gz" ]; then
    echo "== again with the CUDA toolkit and torch's lib on LD_LIBRARY_PATH"
    LD_LIBRARY_PATH="/usr/local/cuda/lib64:$TL" run gpu-ldpath -o "$OUT/gpu" --device gpu --verbose
    return 1
  fi
  run auto -o "$work/auto" || failed=1
  run cpu -o "$work/cpu" --device cpu --threads "$(nproc)" || failed=1
  run gpu-notta -o "$work/gpu-notta" --device gpu --disable_tta || failed=1
  python3 - "$OUT/gpu/ch2.nii.gz" "$work/auto/ch2.nii.gz" "$work/cpu/ch2.nii.gz" <<'PY' || failed=1
import gzip, struct, sys, numpy as np
def labels(p):
    b = gzip.open(p).read()
    assert struct.unpack('<i', b[:4])[0] == 348 and struct.unpack('<h', b[70:72])[0] == 2, p + ': not NIfTI-1 uint8'
    return np.frombuffer(b[int(struct.unpack('<f', b[108:112])[0]):], np.uint8)
g, a, c = (labels(p) for p in sys.argv[1:])
print('voxels', g.size, 'gpu vs cpu differ', int((g != c).sum()), 'auto vs gpu differ', int((a != g).sum()))
sys.exit(0 if (a == g).all() and (g != c).sum() <= g.size // 10000 else 1)
PY
  timeout 60 scripts/mednext demo --write-training-data "$work/td" || failed=1
  timeout 240 scripts/mednext train -d "$work/td" -o "$work/tm" --width 8 --epochs 2 --iterations-per-epoch 5 \
    --val-iterations 2 --device gpu || failed=1
  ls -la "$work/tm" "$work/tm"/*
  echo "== the model trained on the GPU, predicting on the GPU"
  timeout 120 scripts/mednext predict -i $in -m "$work/tm" -f all -o "$work/tm-pred" --device gpu --disable_tta \
    --disable_progress_bar || failed=1
  nvidia-smi --query-gpu=memory.used --format=csv
  [ "${SPEED:-0}" = 1 ] && { speed || failed=1; }
  date
  return "$failed"
}

# SPEED=1 (after the checks) or SPEED=only (instead of them): a real-size network (MedNeXt-v2 Base, patch 128^3, random start) trained for 2 short epochs on the GPU, then
# the demo case predicted on the GPU (with and without mirroring) and on all CPU cores (without): seconds per stage
# from each run's own report, peak GPU memory from nvidia-smi.
speed() {
  echo "== speed: MedNeXt-v2 Base, patch 128^3"
  # the sampler's output and errors go to files: a sampler left running must not hold tee's pipe open
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 >"$work/gpumem" 2>/dev/null &
  local smi=$!
  timeout 200 scripts/mednext train -d "$work/td" -o "$work/base" --variant base --patch 128 128 128 --batch 2 \
    --epochs 2 --iterations-per-epoch 10 --val-iterations 2 --recompute-levels 0 --device gpu || { kill "$smi"; return 1; }
  kill "$smi"; echo "peak GPU memory in training: $(sort -n "$work/gpumem" | tail -1) MiB"
  local p="scripts/mednext predict -i sample-data/mricron-colin27-aal/ch2.nii.gz -m $work/base -f all --disable_progress_bar"
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 >"$work/gpumem" 2>/dev/null &
  smi=$!
  echo "== speed: GPU, mirroring"; timeout 120 $p -o "$work/base-gpu" --device gpu || { kill "$smi"; return 1; }
  echo "== speed: GPU, no mirroring"; timeout 60 $p -o "$work/base-gpu1" --device gpu --disable_tta || { kill "$smi"; return 1; }
  kill "$smi"; echo "peak GPU memory in prediction: $(sort -n "$work/gpumem" | tail -1) MiB"
  echo "== speed: CPU ($(nproc) threads), no mirroring"
  timeout 150 $p -o "$work/base-cpu1" --device cpu --threads "$(nproc)" --disable_tta || return 1
}

main 2>&1 | tee "$OUT/log"
rc=${PIPESTATUS[0]}
echo "gpu-check: $([ "$rc" = 0 ] && echo PASS || echo FAIL)" | tee -a "$OUT/log"
exit "$rc"
