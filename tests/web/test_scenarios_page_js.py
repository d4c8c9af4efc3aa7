"""The scenarios page never shows a stale result as current (issue 14, finding 7): an error
clears the charts and the summary and says what failed.

The page's script runs in Node with a minimal stand-in for the DOM, Plotly and fetch (no
browser needed); Playwright tests of the page in Chromium are in test_browser_scenarios.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "src" / "kreislauf" / "web" / "static" / "scenarios.js"

HARNESS = r"""
const vm = require('vm'), fs = require('fs');
const els = {}, calls = [];
function el(id) {
  if (!els[id]) {
    const cls = new Set();
    els[id] = {id, textContent: '', value: '', innerHTML: '', dataset: {}, hidden: false,
      style: {}, checked: false, disabled: false,
      classList: {add: c => cls.add(c), remove: c => cls.delete(c), has: c => cls.has(c)},
      addEventListener() {}, add() {}, prepend() {}, querySelectorAll: () => [],
      querySelector: sel => el(id + ' ' + sel)};
  }
  return els[id];
}
let respond = () => new Promise(() => {});  // the models request never answers
const ctx = {
  LANG: 'en', STATUS: {failed: 'failed', done: 'done'}, statusWord: s => s,
  console, location: {search: ''}, URLSearchParams, setTimeout: () => 0,
  document: {getElementById: el, querySelectorAll: () => [], createElement: () => el('new')},
  Plotly: {react: (id, data) => calls.push(['react', id, data.length]),
           purge: id => calls.push(['purge', id])},
  fetch: (url, opts) => respond(url, opts),
};
vm.createContext(ctx);
vm.runInContext(fs.readFileSync(process.argv[2], 'utf8'), ctx);
const answer = (status, body) => () => Promise.resolve({status, json: () => Promise.resolve(body)});
const good = {variables: ['Y'], periods: [1, 2], baseline: {paths: {Y: [1, 2]}, wealth: {}},
  scenario: {ok: true, error: null, paths: {Y: [1, 3]}, wealth: {}, summary: {periods: 2}}};
const settle = () => new Promise(r => setImmediate(r));
(async () => {
  const out = {};
  respond = answer(200, good); vm.runInContext('run()', ctx); await settle(); await settle();
  out.after_ok = {calls: calls.splice(0), status: el('run-status').textContent,
    summary: el('summary tbody').innerHTML};
  const bad = Object.assign({}, good, {scenario: {ok: false, error: 'the run diverges in period 1',
    paths: {}, wealth: {}, summary: null}});
  respond = answer(200, bad); vm.runInContext('run()', ctx); await settle(); await settle();
  out.after_error = {calls: calls.splice(0), status: el('run-status').textContent,
    summary: el('summary tbody').innerHTML, marked: el('run-status').classList.has('error')};
  respond = answer(422, {detail: [{loc: ['body', 'periods'], msg: 'too many'}]});
  vm.runInContext('run()', ctx); await settle(); await settle();
  out.after_422 = {calls: calls.splice(0), status: el('run-status').textContent};
  respond = answer(429, {detail: '2 scenario jobs are queued or running'});
  vm.runInContext('montecarlo()', ctx); await settle(); await settle();
  out.mc_refused = {calls: calls.splice(0), status: el('job-status').textContent};
  console.log(JSON.stringify(out));
})();
"""


def test_an_error_clears_the_charts_and_says_what_failed(tmp_path: Path) -> None:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("Node.js is not installed")
    harness = tmp_path / "harness.js"
    harness.write_text(HARNESS, encoding="utf-8")
    # montecarlo() reads current().distributions: give the stub a model
    script = SCRIPT.read_text(encoding="utf-8") + "\nmodels[''] = {distributions: []};\n"
    page = tmp_path / "scenarios.js"
    page.write_text(script, encoding="utf-8")
    done = subprocess.run(
        [node, str(harness), str(page)], capture_output=True, text=True, timeout=60, check=True
    )
    out = json.loads(done.stdout)
    ok = out["after_ok"]
    assert ["react", "chart", 2] in ok["calls"] and ok["status"] == "ok" and ok["summary"]
    err = out["after_error"]
    assert ["purge", "chart"] in err["calls"] and ["purge", "worth"] in err["calls"]
    assert not any(c[0] == "react" for c in err["calls"])
    assert err["summary"] == "" and err["marked"]
    assert err["status"] == "failed: the run diverges in period 1"
    bad = out["after_422"]
    assert ["purge", "chart"] in bad["calls"] and bad["status"] == "failed: periods: too many"
    mc = out["mc_refused"]
    assert ["purge", "mc-chart"] in mc["calls"] and mc["status"].startswith("failed: 2 scenario")
