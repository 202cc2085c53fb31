#!/usr/bin/env python3
"""Where a JVM's CPU went during a bench run: summarizes jdk.ExecutionSample events of a JFR file.

    ops/bench-jfr.py relay-submit.jfr [top-n]

Prints (1) samples per component: each sample is charged to the component of the frame nearest the
top of its stack that belongs to a known component (a HashMap.get called by Jackson is JSON time);
(2) the hottest top frames; (3) samples per thread pool. Execution samples only see threads running
Java code, so time in GC, the kernel or blocked threads is not here (GC: see jdk.GarbageCollection).
"""
import collections
import re
import subprocess
import sys

# first match wins, searched from the top of the stack down
COMPONENTS = [
    ("crypto", ("org.bouncycastle.", "dev.dm3relay.protocol.crypto.", "com.goterl.", "com.sun.jna.", "org.web3j.crypto", "sun.security.", "com.sun.crypto.")),
    ("JSON", ("com.fasterxml.jackson.", "dev.dm3relay.protocol.json.", "dev.dm3relay.protocol.model.")),
    ("Cassandra driver", ("com.datastax.",)),
    ("persistence plugin", ("org.apache.pekko.persistence.cassandra.",)),
    ("serialization", ("org.apache.pekko.serialization.", "org.apache.pekko.remote.serialization", "com.fasterxml.jackson.dataformat.cbor")),
    ("persistence/actors", ("org.apache.pekko.persistence.", "org.apache.pekko.cluster.sharding.", "org.apache.pekko.actor.", "org.apache.pekko.dispatch.")),
    ("HTTP", ("org.apache.pekko.http.",)),
    ("streams", ("org.apache.pekko.stream.",)),
    ("netty", ("io.netty.",)),
    ("relay code", ("dev.dm3relay.",)),
    ("logging", ("ch.qos.logback.", "org.slf4j.")),
    ("cassandra server: write path", ("org.apache.cassandra.db.commitlog", "org.apache.cassandra.db.memtable", "org.apache.cassandra.db.Memtable", "org.apache.cassandra.db.partitions", "org.apache.cassandra.db.rows")),
    ("cassandra server: compaction/flush", ("org.apache.cassandra.db.compaction", "org.apache.cassandra.io.sstable", "org.apache.cassandra.io.")),
    ("cassandra server: native protocol", ("org.apache.cassandra.transport.", "org.apache.cassandra.cql3.")),
    ("cassandra server: other", ("org.apache.cassandra.",)),
]


def component(stack):
    for frame in stack:
        for name, prefixes in COMPONENTS:
            if frame.startswith(prefixes):
                return name
    return "JDK/other (" + (stack[0].split("(")[0].rsplit(".", 2)[0] if stack else "?") + ")"


# Native frames that burn CPU (a native sample can also be a thread parked in epoll or a socket
# read, which is not CPU): libsodium through lazysodium/JNA is how the relay does its crypto.
CPU_NATIVE = ("com.goterl.lazysodium.", "com.sun.jna.")


def native_crypto_samples(path):
    """jdk.NativeMethodSample events whose top frame is libsodium (ExecutionSample misses them)."""
    out = subprocess.run(["jfr", "print", "--events", "jdk.NativeMethodSample", "--stack-depth", "3", path],
                         capture_output=True, text=True, errors="replace").stdout
    count, first = 0, None
    for line in out.splitlines():
        s = line.strip()
        if s.startswith("stackTrace = ["):
            first = None
        elif first is None and s and not s.startswith(("stackTrace", "]", "}", "jdk.", "startTime", "sampledThread", "state")):
            first = s
            if first.startswith(CPU_NATIVE):
                count += 1
    return count


def gc_pause_ms(path):
    out = subprocess.run(["jfr", "print", "--events", "jdk.GarbageCollection", path], capture_output=True, text=True).stdout
    total = 0.0
    for m in re.finditer(r"sumOfPauses = ([\d.]+) (ms|s|us)", out):
        v = float(m.group(1))
        total += v * {"ms": 1, "s": 1000, "us": 0.001}[m.group(2)]
    return total, len(re.findall(r"jdk.GarbageCollection", out))


def main():
    path = sys.argv[1]
    top_n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    proc = subprocess.Popen(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", path],
                            stdout=subprocess.PIPE, text=True, errors="replace")
    by_component = collections.Counter()
    by_top = collections.Counter()
    by_thread = collections.Counter()
    stack, thread, in_stack, total = [], "?", False, 0
    for line in proc.stdout:
        s = line.strip()
        if s.startswith("sampledThread"):
            m = re.search(r'"(.*)"', s)
            thread = re.sub(r"[-#]?\d+$", "-N", m.group(1)) if m else "?"
        elif s.startswith("stackTrace = ["):
            in_stack, stack = True, []
        elif in_stack and s == "]":
            in_stack = False
        elif in_stack and s and s != "...":
            stack.append(s.split(" line:")[0])
        elif s == "}" and stack is not None:
            if stack:
                total += 1
                by_component[component(stack)] += 1
                by_top[stack[0]] += 1
                by_thread[thread] += 1
            stack = []
    proc.wait()
    print(f"== {path}: {total} execution samples")
    if not total:
        return
    print("-- by component (nearest known frame to the top of the stack)")
    for name, n in by_component.most_common(15):
        print(f"  {100.0 * n / total:5.1f} %  {name}")
    print(f"-- top {top_n} frames (self)")
    for name, n in by_top.most_common(top_n):
        print(f"  {100.0 * n / total:5.1f} %  {name}")
    print("-- by thread")
    for name, n in by_thread.most_common(10):
        print(f"  {100.0 * n / total:5.1f} %  {name}")
    native = native_crypto_samples(path)
    if native:
        # the profile settings sample native code every 20 ms and Java code every 10 ms
        weighted = 2 * native
        print(f"-- native crypto (libsodium) samples: {native}; weighted by sampling period ≈ "
              f"{100.0 * weighted / (total + weighted):.1f} % of Java+native CPU samples")
    pause, count = gc_pause_ms(path)
    print(f"-- GC: {count} collections, {pause:.0f} ms of pauses in the recording")


if __name__ == "__main__":
    main()
