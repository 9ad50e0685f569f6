#!/usr/bin/env python3
"""Writes the seed corpora of the JWT, close-code and diagnostics fuzz targets from the test fixtures:
    python3 core/fuzz/make-jwt-corpus.py
Seeds are named by content hash, so re-running adds nothing new."""
import hashlib, json, os, struct

here = os.path.dirname(os.path.abspath(__file__))
fx = os.path.join(here, "..", "tests", "fixtures")


def seed(target, data: bytes):
    d = os.path.join(here, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


tokens = json.load(open(os.path.join(fx, "jwt", "tokens.json")))
t = struct.pack("<d", float(tokens["moments"]["connect_ms"]))
for c in tokens["cases"]:
    seed("jwt_inspect", t + c["token"].encode())
finds = json.load(open(os.path.join(fx, "jwt", "find.json")))
for u in finds["urls"]:
    seed("jwt_find", u["url"].encode())
for s in finds["subprotocols"]:
    seed("jwt_find", "\n".join(s["protocols"]).encode())
for p in finds["payloads"]:
    seed("jwt_find", p["text"].encode())
keys = os.path.join(fx, "jwt", "keys")
for name in sorted(os.listdir(keys)):
    if not name.startswith("rsa-private"):
        seed("jwt_verify", open(os.path.join(keys, name), "rb").read())
for c in tokens["cases"][:12]:
    seed("jwt_verify", c["token"].encode())
for code, name in [(4004, "../../profiles/django-example.json"), (1000, "close_codes/profile-with-problems.json")]:
    seed("close_profile", struct.pack("<H", code) + open(os.path.join(fx, name), "rb").read())
seed("close_profile", struct.pack("<H", 1006) + b'{"socketscope_close_codes":1,"codes":[{"code":4004,"name":"x"}]}')
scen = json.load(open(os.path.join(fx, "diagnostics", "scenarios.json")))
for sc in scen["scenarios"]:
    seed("diagnostics_session", json.dumps(sc["batch"], separators=(",", ":")).encode())
