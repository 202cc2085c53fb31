#!/usr/bin/env python3
"""Turns one ops/bench scenario run into a row of load-tests/RESULTS.md.

Reads Gatling's HTML report (3.15 writes its statistics into index.html only), the scenario's
summary JSON from the load generator (live latency, ramp levels), the raw Cassandra JSON, and the
/proc samples ops/bench took; prints the row and appends it to RESULTS.md, or replaces the row of
the same scenario, offered rate, target and commit. Nothing here invents a number: a value that
was not measured is written as "n/a".
"""
import argparse
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

HEADER = (
    "| date (UTC) | commit | scenario | target | offered/s | accepted/s | p50 ms | p95 ms | p99 ms | errors "
    "| relay CPU | relay RSS | Cassandra CPU | generator CPU | load avg before | gate | machine | command | notes |"
)
SEPARATOR = "|" + "---|" * (HEADER.count("|") - 1)
MARKER = "<!-- ops/bench rows below; one per (scenario, offered rate, target, commit); a rerun replaces its row -->"

INTRO = """# Load-test results

Every row below was written by `ops/bench` from a run on the machine it names (see
`load-tests/README.md` for the scenarios and how to run them). Columns:

- **offered/s**: the rate the open model injected; **accepted/s**: answered 200 per second of the
  measured phase (warm-up excluded). For `raw` it is Cassandra rows/s from a bare driver loop.
- **p50/p95/p99**: response time of the scenario's main request in ms, from Gatling's report
  (`live`: submit sent -> Socket.IO `message` received; `ramp`: the highest level that kept up).
- **errors**: failed / all measured requests.
- **relay CPU / Cassandra CPU / generator CPU**: average over the measured phase, in % of one core
  (this machine has the number of cores the machine column says; 200 % = both of 2 cores busy).
  The generator is the Maven JVM plus its Gatling fork. **RSS**: the largest sample, MiB.
- **load avg before**: `/proc/loadavg` just before the scenario; other work on the machine makes
  a row pessimistic.
- **gate**: whether the Gatling assertions passed (error rate, p99; see README).

"""


def parse_gatling(report_dir):
    """{request name: {total, ok, ko, min, p50, p75, p95, p99, max, mean}} from index.html."""
    stats = {}
    if not report_dir:
        return stats
    index = Path(report_dir) / "index.html"
    if not index.exists():
        return stats
    text = index.read_text(encoding="utf-8")
    for row in re.finditer(r'<tr id="(req_[^"]*)" data-parent="ROOT"\s*>(.*?)</tr>', text, re.S):
        body = row.group(2)
        name = re.search(r'class="ellipsed-name">([^<]*)<', body)
        cols = dict(re.findall(r'<td class="value [a-z ]*col-(\d+)">([^<]*)</td>', body))
        if not name:
            continue

        def num(col):
            v = cols.get(str(col), "-").replace(",", "")
            try:
                return float(v)
            except ValueError:
                return None

        stats[html.unescape(name.group(1))] = {
            "total": num(2), "ok": num(3), "ko": num(4), "min": num(7), "p50": num(8), "p75": num(9),
            "p95": num(10), "p99": num(11), "max": num(12), "mean": num(13),
        }
    return stats


def measured_window(samples_file):
    start = end = None
    for line in Path(samples_file).read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "MARK":
            if parts[2] == "measure":
                start = int(parts[1])
            elif parts[2] == "end":
                end = int(parts[1])
    return start, end


def gc_pauses(gc_log, samples_file):
    """Relay GC pauses (-Xlog:gc with timemillis) inside the measured phase: count, sum, longest (ms)."""
    if not gc_log or not Path(gc_log).exists():
        return None
    start, end = measured_window(samples_file)
    if start is None or end is None:
        return None
    pauses = []
    for line in Path(gc_log).read_text(errors="replace").splitlines():
        m = re.match(r"\[(\d+)ms\].*Pause.* (\d+(?:\.\d+)?)ms$", line)
        if m and start <= int(m.group(1)) <= end:
            pauses.append(float(m.group(2)))
    return (len(pauses), sum(pauses), max(pauses, default=0.0))


def window_usage(samples_file):
    """Average CPU (% of one core) and peak RSS (MiB) of relay, Cassandra, generator in the window."""
    rows, start, end = [], None, None
    hz = os.sysconf("SC_CLK_TCK")
    for line in Path(samples_file).read_text().splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "MARK":
            if parts[2] == "measure":
                start = int(parts[1])
            elif parts[2] == "end":
                end = int(parts[1])
            continue
        if len(parts) == 7:
            rows.append([int(p) for p in parts])
    if start is None or end is None:
        return None
    inside = [r for r in rows if start <= r[0] <= end]
    if len(inside) < 2:
        return None
    first, last = inside[0], inside[-1]
    seconds = (last[0] - first[0]) / 1000.0

    def cpu(i):
        # sum of forward steps: a process that exits mid-window (a Gatling fork) drops the counter
        ticks = sum(max(0, b[i] - a[i]) for a, b in zip(inside, inside[1:]))
        return 100.0 * ticks / hz / seconds if seconds > 0 and any(r[i] for r in inside) else None

    def rss(i):
        peak = max(r[i] for r in inside)
        return peak / 1024.0 if peak > 0 else None

    return {"relay_cpu": cpu(1), "relay_rss": rss(2), "cass_cpu": cpu(3), "cass_rss": rss(4),
            "gen_cpu": cpu(5), "gen_rss": rss(6), "seconds": seconds}


def machine():
    model = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem_kb = 0
    cores = os.cpu_count()
    try:
        cores = int(subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip())
    except (OSError, ValueError):
        pass
    return f"{cores} × {model}, {mem_kb / 1024 / 1024:.0f} GiB"


def read_scrape(path):
    """Samples of a Prometheus text scrape: {(name, frozenset(labels)): value}."""
    samples = {}
    if not path or not Path(path).exists():
        return samples
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)', line)
        if not m:
            continue
        labels = frozenset(re.findall(r'([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        try:
            # a cluster's file holds every node's scrape: equal series add up
            samples[(m.group(1), labels)] = samples.get((m.group(1), labels), 0.0) + float(m.group(4))
        except ValueError:
            pass
    return samples


def relay_view(m0, m1):
    """What the relay itself counted in the measured phase: submits by outcome, its own p50/p99
    (from the histogram's buckets), and requests rejected before any work."""
    a, b = read_scrape(m0), read_scrape(m1)
    if not a or not b:
        return None
    def delta(name, match):
        return sum(v - a.get(k, 0.0) for k, v in b.items() if k[0] == name and match(dict(k[1])))
    accepted = delta("dm3_relay_submits_total", lambda l: l.get("outcome") == "accepted")
    duplicate = delta("dm3_relay_submits_total", lambda l: l.get("outcome") == "duplicate")
    refused = delta("dm3_relay_submits_total", lambda l: l.get("outcome") == "refused")
    unavailable = delta("dm3_relay_submits_total", lambda l: l.get("outcome") == "unavailable")
    buckets = {}
    for k, v in b.items():
        if k[0] == "dm3_relay_submit_duration_seconds_bucket":
            l = dict(k[1])
            le = float("inf") if l["le"] == "+Inf" else float(l["le"])
            buckets[le] = buckets.get(le, 0.0) + v - a.get(k, 0.0)
    def quantile(q):
        edges = sorted(buckets)
        total = buckets.get(float("inf"), 0.0)
        if total <= 0:
            return None
        prev_le, prev_n = 0.0, 0.0
        for le in edges:
            n = buckets[le]
            if n >= q * total:
                if le == float("inf"):
                    return prev_le * 1000
                return (prev_le + (le - prev_le) * ((q * total - prev_n) / max(n - prev_n, 1e-9))) * 1000
            prev_le, prev_n = le, n
        return None
    rejects = {dict(k[1]).get("reason"): v - a.get(k, 0.0) for k, v in b.items() if k[0] == "dm3_relay_requests_rejected_total"}
    remote = delta("dm3_relay_mailbox_buffer_asks_total", lambda l: l.get("location") == "remote")
    local = delta("dm3_relay_mailbox_buffer_asks_total", lambda l: l.get("location") == "local")
    return {"accepted": accepted, "duplicate": duplicate, "refused": refused, "unavailable": unavailable,
            "p50": quantile(0.5), "p99": quantile(0.99), "rejects": rejects,
            "remote_share": remote / (remote + local) if remote + local > 0 else None}


def fmt(v, digits=0, suffix=""):
    if v is None:
        return "n/a"
    return f"{v:.{digits}f}{suffix}"


def load_json(path):
    p = Path(path)
    return json.loads(p.read_text()) if p.exists() else None


def main():
    ap = argparse.ArgumentParser()
    for a in ["scenario", "out", "samples", "report-dir", "rate", "duration", "target", "commit", "stamp",
              "loadavg", "status", "command", "note", "results", "write", "threads", "gc-log", "relay-state",
              "metrics0", "metrics1"]:
        ap.add_argument("--" + a, default="")
    a = ap.parse_args()
    duration = float(a.duration)
    stats = parse_gatling(a.report_dir)
    usage = window_usage(a.samples) or {}
    offered = a.rate
    accepted = p50 = p95 = p99 = None
    errors = "n/a"
    notes = []

    def measured(names):
        ok = sum((stats[n]["ok"] or 0) for n in names if n in stats)
        ko = sum((stats[n]["ko"] or 0) for n in names if n in stats)
        return ok, ko

    def error_text(names):
        ok, ko = measured(names)
        total = ok + ko
        return f"{int(ko)}/{int(total)} ({100.0 * ko / total:.3f} %)" if total else "n/a"

    def main_request(name):
        nonlocal accepted, p50, p95, p99
        s = stats.get(name)
        if s:
            accepted = (s["ok"] or 0) / duration
            p50, p95, p99 = s["p50"], s["p95"], s["p99"]

    sc = a.scenario
    warm = {n[len("warm-up "):]: int(v["total"] or 0) for n, v in stats.items() if n.startswith("warm-up ")}
    if warm:
        notes.append("warm-up excluded: " + ", ".join(f"{n} {c}" for n, c in sorted(warm.items())))
    if sc == "submit":
        main_request("submit")
        errors = error_text(["submit"])
    elif sc == "live":
        main_request("submit (live)")
        errors = error_text(["submit (live)"])
        summary = load_json(Path(a.out) / "live.json") or {}
        live = summary.get("live")
        if live:
            http_p99 = p99
            p50, p95, p99 = live["p50"], live["p95"], live["p99"]
            notes.append(
                f"p = submit sent → `message` pushed; {live['count']} pushes, {live['missing']} missing, "
                f"{live['disconnects']} disconnects; HTTP submit p99 {fmt(http_p99)} ms; {summary.get('recipients')} sockets")
    elif sc == "fetch":
        main_request("fetch")
        errors = error_text(["fetch", "ack", "refill submit"])
        ack = stats.get("ack")
        refill = stats.get("refill submit")
        summary = load_json(Path(a.out) / "fetch.json") or {}
        if ack:
            notes.append(f"ack p50/p99 {fmt(ack['p50'])}/{fmt(ack['p99'])} ms, {int(ack['ok'] or 0)} acks")
        if refill:
            notes.append(f"refill submits {summary.get('submitRate', '?')}/s p99 {fmt(refill['p99'])} ms")
        if "fetches" in summary:
            notes.append(f"{summary['messagesPerFetch']} messages per fetch on average, at most {summary['mostPerFetch']}")
    elif sc == "mixed":
        main_request("submit")
        errors = error_text(["submit", "fetch", "ack"])
        ok, ko = measured(["submit", "fetch", "ack"])
        notes.append(f"p = submit; all requests {ok / duration:.0f}/s")
        for n in ("fetch", "ack"):
            if n in stats:
                notes.append(f"{n} p50/p99 {fmt(stats[n]['p50'])}/{fmt(stats[n]['p99'])} ms")
        summary = load_json(Path(a.out) / "mixed.json") or {}
        if "fetches" in summary:
            notes.append(f"{summary['messagesPerFetch']} messages per fetch on average, at most {summary['mostPerFetch']}")
    elif sc == "ramp":
        summary = load_json(Path(a.out) / "ramp.json") or {}
        levels = summary.get("levels", [])
        errors = error_text(["submit (ramp)"])
        if levels:
            offered = f"{levels[0]['offered']:.0f}→{levels[-1]['offered']:.0f}"
            best = max(levels, key=lambda l: l["accepted"])
            sat = summary.get("saturationOffered", 0)
            sat_level = next((l for l in levels if l["offered"] == sat), None)
            shown = sat_level or best
            accepted = best["accepted"]
            p50, p95, p99 = shown["p50"], shown["p95"], shown["p99"]
            notes.append((f"within gates up to {sat:.0f}/s (p of that level)" if sat_level else "no level within the gates (p of the best level)") + f"; max accepted {best['accepted']:.0f}/s at offered {best['offered']:.0f}")
            notes.append("levels offered:accepted/p99 " + ", ".join(
                f"{l['offered']:.0f}:{l['accepted']:.0f}/{l['p99']:.0f}" for l in levels))
    elif sc == "isolation":
        main_request("honest submit")
        errors = error_text(["honest submit"])
        summary = load_json(Path(a.out) / "isolation.json") or {}
        f = stats.get("flood submit")
        notes.append(f"p = the {summary.get('honestSenders', '?')} well-behaved senders' submits, each from its own address")
        if f:
            flood_total = int(f["total"] or 0)
            notes.append(f"flood from one address: {flood_total / duration:.0f}/s offered, {int(f['ok'] or 0)} answered 200/429, "
                         f"{int(f['ko'] or 0)} failed; flood p50/p99 {fmt(f['p50'])}/{fmt(f['p99'])} ms")
        else:
            notes.append("no flood (baseline)")
    elif sc == "js":
        js = load_json(Path(a.out) / "js.json")
        if js:
            offered = f"closed {js['senders']}"
            accepted, p50, p95, p99 = js["acceptedPerSecond"], js["p50"], js["p95"], js["p99"]
            total = js["accepted"] + js["failed"]
            errors = f"{js['failed']}/{total} ({100.0 * js['failed'] / total:.3f} %)" if total else "n/a"
            libs = ", ".join(f"{k.split('/')[-1]} {v}" for k, v in js["libraries"].items())
            notes.append(
                f"published dm3 libraries ({libs}) in Node: {js['senders']} closed-loop senders on keep-alive connections, "
                f"{js['receivers']} receivers, every envelope built by buildEnvelop during the run; "
                f"warm-up {js['warmupSeconds']} s excluded; statuses of failures {js['statuses'] or 'none'}")
    elif sc == "bigbox":
        box = load_json(Path(a.out) / "bigbox.json")
        if box:
            during, other = box["submitsDuringFetch"], box["submitsOtherwise"]
            accepted = (during["count"] + other["count"]) / max(1, box["durationSeconds"])
            p50, p95, p99 = during["p50"], during["p95"], during["p99"]
            total = box["submitsSent"]
            errors = f"{box['submitsFailed']}/{total} ({100.0 * box['submitsFailed'] / total:.3f} %)" if total else "n/a"
            fetches = ", ".join(f"{f['lastByteMs'] / 1000:.1f} s ({f['messages']} msgs, {f['bytes'] / 1e6:.0f} MB, first byte {f['firstByteMs']:.0f} ms, status {f['status']})" for f in box["fetches"])
            notes.append(
                f"p = submits to {box['otherMailboxes']} other mailboxes while a fetch streamed ({during['count']}); the rest p50/p99 "
                f"{fmt(other['p50'], 1)}/{fmt(other['p99'], 1)} ms; fetches of the {box['messages']}-message mailbox ({box['envelopeBytes']} B envelopes), "
                f"time to last byte: {fetches}; relay heap max before {box.get('heapMaxBeforeFetchesMiB', '?')} MiB, during {box.get('heapMaxDuringFetchesMiB', '?')} MiB")
    elif sc == "accounts":
        acc = load_json(Path(a.out) / "accounts.json")
        offered = "-"
        if acc:
            w = acc["wakingSubmits"]
            accepted, p50, p95, p99 = acc["wakingSubmitsPerSecond"], w["p50"], w["p95"], w["p99"]
            errors = f"{acc['activeSubmitsRefused']}/{acc['activeMailboxes']}"
            steps = ", ".join(f"{k} {acc[k]['heapAfterGcMiB']} MiB heap / {acc[k]['rssMiB']} MiB RSS / {acc[k]['mailboxesAwake']} awake"
                              for k in ("before", "registeredJustNow", "registeredIdle", "active") if k in acc)
            notes.append(
                f"{acc['accounts']} accounts signed up in {acc['signUpSeconds']} s, then {acc['activeMailboxes']} mailboxes woken by one submit each "
                f"({acc['activeSubmitsRefused']} refused) in {acc['activateSeconds']} s, {acc['wakingSubmitsPerSecond']}/s, "
                f"p50/p99 {acc['wakingSubmits']['p50']}/{acc['wakingSubmits']['p99']} ms; heap after full GC: {steps}; "
                f"per idle account {acc['heapPerAccountBytes']} B heap / {acc['rssPerAccountBytes']} B RSS, "
                f"per awake mailbox {acc['heapPerActiveMailboxBytes']} B heap / {acc['rssPerActiveMailboxBytes']} B RSS")
    elif sc == "raw":
        raw = load_json(Path(a.out) / "raw.json")
        offered = "max"
        if raw:
            accepted, p50, p95, p99 = raw["rowsPerSecond"], raw["p50"], raw["p95"], raw["p99"]
            errors = f"{raw['failed']}/{raw['measuredRows'] + raw['failed']}"
            notes.append(f"bare driver loop, {raw['rowBytes']} B rows, {raw['inFlight']} in flight, same Cassandra as the relay")
    try:
        started = int(a.threads or 0)
    except ValueError:
        started = 0
    if started > 0 and sc != "raw":
        notes.append(f"relay started {started} threads in the measured phase")
    if sc == "raw":
        pass  # the raw loop does not touch the relay
    elif a.relay_state == "fresh":
        notes.append("fresh relay (first scenario after its start)")
    elif a.relay_state.startswith("warm:"):
        notes.append(f"warm relay (scenario {a.relay_state[5:]} after its start)")
    gc = gc_pauses(a.gc_log, a.samples) if sc != "raw" else None
    if gc and gc[0]:
        notes.append(f"relay GC: {gc[0]} pauses, {gc[1]:.0f} ms in all, longest {gc[2]:.0f} ms")
    own = relay_view(a.metrics0, a.metrics1) if sc != "raw" else None
    if own:
        rejects = ", ".join(f"{r} {int(n)}" for r, n in sorted(own["rejects"].items()))
        notes.append(
            f"relay's /metrics: {int(own['accepted'])} accepted, {int(own['duplicate'])} duplicates, {int(own['refused'])} refused, "
            f"{int(own['unavailable'])} unavailable; submit p50/p99 {fmt(own['p50'], 1)}/{fmt(own['p99'], 1)} ms; rejected {rejects or 'none'}"
            + (f"; {100 * own['remote_share']:.0f} % of buffer asks to a mailbox on another node" if own["remote_share"] is not None else ""))
    if a.note:
        notes.append(a.note)

    gate = "pass" if a.status == "0" else f"FAIL (exit {a.status})"
    if sc == "raw":
        gate = "-" if a.status == "0" else f"FAIL (exit {a.status})"
    row = [
        a.stamp, a.commit, sc, a.target, str(offered), fmt(accepted, 0), fmt(p50, 1), fmt(p95, 1), fmt(p99, 1), errors,
        fmt(usage.get("relay_cpu"), 0, " %"), fmt(usage.get("relay_rss"), 0, " MiB"),
        fmt(usage.get("cass_cpu"), 0, " %"), fmt(usage.get("gen_cpu"), 0, " %"),
        a.loadavg, gate, machine(), f"`{a.command}`", "; ".join(notes) or "",
    ]
    line = "| " + " | ".join(c.replace("|", "/") for c in row) + " |"
    print("[report] " + line)
    if a.write != "1":
        return
    results = Path(a.results)
    text = results.read_text(encoding="utf-8") if results.exists() else ""
    if MARKER not in text:
        text = INTRO + MARKER + "\n\n" + HEADER + "\n" + SEPARATOR + "\n"
    # a fresh relay (first scenario after its start: cold JIT, fresh Cassandra) and a warm one are
    # different measurements; each keeps its own row
    def state(notes_cell):
        return "fresh" if "fresh relay" in notes_cell else "warm" if "warm relay" in notes_cell else ""
    key = (sc, str(offered), a.target, a.commit, state("; ".join(notes)))
    lines = text.rstrip("\n").split("\n")
    replaced = False
    for i, l in enumerate(lines):
        if l.startswith("| 20"):
            cells = [c.strip() for c in l.strip("|").split("|")]
            if (cells[2], cells[4], cells[3], cells[1], state(cells[-1])) == key:
                lines[i] = line
                replaced = True
    if not replaced:
        # at the end of the table that follows the marker, so text and older tables below it stay below
        i = next(i for i, l in enumerate(lines) if l == MARKER) + 1
        while i < len(lines) and not lines[i].startswith("|"):
            i += 1
        while i < len(lines) and lines[i].startswith("|"):
            i += 1
        lines.insert(i, line)
    results.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
