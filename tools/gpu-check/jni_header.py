"""Writes the JNI header (extern "C" prototypes) of a class's native methods from `javap -p -s` output, as javac -h
would from the source: long names (with the argument signature) for overloaded methods. Compiled into DJL's bridge, it
turns a C++ definition whose parameters differ from the Java declaration into a missing export (build-jni lists those)
instead of a call with the wrong arguments. Usage: jni_header.py JAVAP_OUTPUT CLASS > HEADER"""
import re, sys
from collections import Counter

def mangle(s):
    out = []
    for ch in s:
        if ch == '_': out.append('_1')
        elif ch == ';': out.append('_2')
        elif ch == '[': out.append('_3')
        elif ch == '/' or ch == '.': out.append('_')
        elif ch.isascii() and ch.isalnum(): out.append(ch)
        else: out.append('_0%04x' % ord(ch))
    return ''.join(out)

def ctype(desc):
    prim = {'Z': 'jboolean', 'B': 'jbyte', 'C': 'jchar', 'S': 'jshort', 'I': 'jint', 'J': 'jlong', 'F': 'jfloat',
            'D': 'jdouble', 'V': 'void'}
    if desc in prim: return prim[desc]
    if desc.startswith('['):
        e = desc[1:]
        return {'Z': 'jbooleanArray', 'B': 'jbyteArray', 'C': 'jcharArray', 'S': 'jshortArray', 'I': 'jintArray',
                'J': 'jlongArray', 'F': 'jfloatArray', 'D': 'jdoubleArray'}.get(e, 'jobjectArray')
    if desc == 'Ljava/lang/String;': return 'jstring'
    if desc == 'Ljava/lang/Class;': return 'jclass'
    if desc == 'Ljava/lang/Throwable;': return 'jthrowable'
    return 'jobject'

def split(args):
    out, i = [], 0
    while i < len(args):
        j = i
        while args[j] == '[': j += 1
        if args[j] == 'L': j = args.index(';', j)
        out.append(args[i:j + 1]); i = j + 1
    return out

text, cls = open(sys.argv[1]).read(), sys.argv[2]
methods = []
lines = text.splitlines()
for k, line in enumerate(lines):
    m = re.search(r'\bnative\b.*?(\w+)\(', line)
    if m and k + 1 < len(lines) and 'descriptor:' in lines[k + 1]:
        desc = lines[k + 1].split('descriptor:')[1].strip()
        methods.append((m.group(1), desc, ' static ' in ' ' + line + ' '))
count = Counter(n for n, _, _ in methods)
guard = mangle(cls)
print('/* generated from the class file by jni_header.py */\n#include <jni.h>\n#ifndef _Included_%s\n#define _Included_%s' % (guard, guard))
print('#ifdef __cplusplus\nextern "C" {\n#endif')
for name, desc, static in methods:
    args, ret = re.match(r'\((.*)\)(.*)', desc).groups()
    fn = 'Java_' + mangle(cls) + '_' + mangle(name)
    if count[name] > 1: fn += '__' + mangle(args)
    params = ['JNIEnv *', 'jclass' if static else 'jobject'] + [ctype(a) for a in split(args)]
    print('JNIEXPORT %s JNICALL %s(%s);' % (ctype(ret), fn, ', '.join(params)))
print('#ifdef __cplusplus\n}\n#endif\n#endif')
