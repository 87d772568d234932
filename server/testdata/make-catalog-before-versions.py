#!/usr/bin/env python3
"""Makes catalog-before-versions.db: the database of a Kartta from before the catalog counted
schema versions (commit 169562c), with rows in every catalog table, written through the API as
a workshop would write them. The migration test in server/src/workshops/catalog/migrations.rs
opens a copy and checks that every row is still there.

Usage: server/testdata/make-catalog-before-versions.py KARTTA_BINARY_OF_THAT_TIME
"""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import urllib.request

binary = sys.argv[1]
data_dir = tempfile.mkdtemp(prefix="kartta-fixture-")
server = subprocess.Popen(
    [binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir],
    stdout=subprocess.PIPE,
    text=True,
)
port = int(re.search(r":(\d+)\s*$", server.stdout.readline()).group(1))


def api(method, path, token=None, body=None, content_type="application/json"):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("Content-Type", content_type)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request) as response:
        text = response.read().decode()
        return json.loads(text) if text else None


created = api("POST", "/api/workshops", body={
    "title": "Kumppanuusfoorumi", "locale": "fi", "template": "rings", "groupCount": 2,
    "personalBoardsAtJoin": True})
workshop = created["workshop"]["id"]
boards = [board["id"] for board in created["workshop"]["boards"]]
facilitator = created["tokens"]["facilitator"]
participant = created["tokens"]["participant"]

sheet = "Label,Type,X,Y\nTurun kaupunki,municipality,0,0\nVarsinais-Suomen liitto,regional authority,300,0\n"
api("POST", f"/api/boards/{boards[0]}/import?sheet=actors", participant, sheet.encode(), "text/csv")
api("POST", f"/api/boards/{boards[0]}/snapshots", participant, {"name": "Päivä 1"})
api("PUT", f"/api/workshops/{workshop}/assignments", facilitator,
    {"name": "Aino Virtanen", "boardId": boards[1]})
api("PUT", f"/api/workshops/{workshop}/matches", facilitator,
    {"decisions": [{"keyA": "vsl", "keyB": "varsinais-suomen liitto", "verdict": "same"}]})
api("POST", f"/api/workshops/{workshop}/timer", facilitator, {"endsAt": 4102444800000})
api("POST", f"/api/workshops/{workshop}/present", facilitator, {"boardId": boards[0]})
api("PATCH", f"/api/boards/{boards[1]}", facilitator, {"locked": True})
code = created["workshop"]["joinCode"]
api("POST", "/api/join", body={"code": code, "name": "Bertil"})
api("POST", f"/api/workshops/{workshop}/share", facilitator, {"shared": True})
actors = api("GET", f"/api/boards/{boards[0]}/export.json", participant)["actors"]
api("PUT", f"/api/workshops/{workshop}/vote", facilitator, {"title": "Kuka on tärkein?", "dots": 3})
api("POST", f"/api/boards/{boards[0]}/votes", participant,
    {"voter": "fixture-device-secret-0000000000", "actorId": actors[0]["id"], "change": "place"})

# Killed, not stopped: a graceful stop compacts every board, and the fixture should also hold
# a board whose update log is not yet folded into its state.
server.kill()
server.wait()
database = os.path.join(data_dir, "kartta.db")
with sqlite3.connect(database) as connection:
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "catalog-before-versions.db")
if os.path.exists(out):
    os.remove(out)
with sqlite3.connect(database) as connection:
    connection.execute("VACUUM INTO ?", (out,))
shutil.rmtree(data_dir)
print(f"wrote {out} ({os.path.getsize(out)} bytes)")
