#!/usr/bin/env python3
"""Time `cspr lsp` against `cspr check` on one generated policy of N lines.

The policy is N/3 facts, each with a rule that reads it (so every line is a declaration
the index and the diagnostics see). One session: initialize, open the file, wait for its
diagnostics, hover the last fact, shut down. Prints the wall time of `cspr check` and of
the session, best of `--runs`. Run from the repository root after `cargo build --release`:

    python3 benches/lsp.py 10000 40000 100000
"""
import json, os, subprocess, sys, tempfile, time

BIN = os.environ.get("CSPR", "target/release/cspr")


def policy(lines):
    out = ['guidance big "A generated policy"', "", 'source W = "W"', ""]
    i = 0
    while len(out) < lines:
        out.append(f'fact f{i}: bool ask "Question {i}?"')
        out.append(f'rule r{i} cite W "para {i}": f{i} and not f{max(i - 1, 0)}')
        out.append("")
        i += 1
    return "\n".join(out) + "\n", i - 1


def frame(msg):
    body = json.dumps(msg).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read(stdout):
    length = 0
    while True:
        line = stdout.readline()
        if not line:
            raise SystemExit("the server closed its output")
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(stdout.read(length))


def session(path, text, last):
    uri = "file://" + os.path.abspath(path)
    start = time.perf_counter()
    p = subprocess.Popen([BIN, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    def ask(id, method, params):
        p.stdin.write(frame({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
        p.stdin.flush()
        while True:
            m = read(p.stdout)
            if m.get("id") == id and "method" not in m:
                return m
    ask(1, "initialize", {"capabilities": {}})
    p.stdin.write(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "cspr", "version": 1, "text": text}}}))
    line = text.count("\n") - 2
    hover = ask(2, "textDocument/hover", {"textDocument": {"uri": uri},
                                          "position": {"line": line, "character": 6}})
    assert hover.get("result"), hover
    ask(3, "shutdown", None)
    p.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
    p.stdin.close()
    p.wait()
    return time.perf_counter() - start


def main():
    runs = 3
    sizes = [int(a) for a in sys.argv[1:]] or [10000, 40000, 100000]
    print("| lines | `cspr check` | `cspr lsp`: open, diagnostics, first hover | ratio |")
    print("| ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            text, last = policy(n)
            path = os.path.join(tmp, "big.policy")
            with open(path, "w") as f:
                f.write(text)
            check = []
            for _ in range(runs):
                t = time.perf_counter()
                subprocess.run([BIN, "check", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                check.append(time.perf_counter() - t)
            lsp = [session(path, text, last) for _ in range(runs)]
            print(f"| {n:,} | {min(check):.2f} s | {min(lsp):.2f} s | {min(lsp) / min(check):.1f} |")


main()
