// closecast dashboard: plain JS, no libraries. Talks to the service's own API with the API key kept in sessionStorage.
'use strict';

const KEY_STORAGE = 'closecast.apiKey';
const CONTEXT_DAYS = 90; // closes shown before the forecast when the input has more than the model's window
const SVG = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);
const state = { model: null, samples: [], opened: false, runs: 0, fleet: [], picked: null };

// One model: the single-model routes. A fleet (several models): the picked model's /v1/models/{name} routes.
function modelPath() { return state.picked ? '/v1/models/' + encodeURIComponent(state.picked) : '/v1/model'; }
function predictPath() { return state.picked ? modelPath() + '/predict' : '/v1/predict'; }
function feedbackPath() { return state.picked ? modelPath() + '/feedback' : '/v1/feedback'; }

// ---------- API ----------
function apiKey() { return sessionStorage.getItem(KEY_STORAGE) || ''; }

async function api(path, options) {
  const opts = Object.assign({}, options || {});
  opts.headers = Object.assign({}, opts.headers || {});
  if (apiKey()) { opts.headers['X-API-Key'] = apiKey(); }
  let res;
  try {
    res = await fetch(path, opts);
  } catch (e) {
    throw { status: 0, code: 'no_answer', message: 'no answer from the service: ' + e.message };
  }
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  if (!res.ok) {
    const err = body && body.error ? Object.assign({}, body.error) : { code: 'http_' + res.status, message: text || res.statusText };
    err.status = res.status;
    throw err;
  }
  return body;
}

// ---------- errors and the API key ----------
function showError(err) {
  $('error-code').textContent = (err.status ? err.status + ' ' : '') + (err.code || 'error');
  $('error-message').textContent = err.message || String(err);
  $('error').hidden = false;
  if (err.status === 401 || err.status === 403) { showKeyBox(err.status === 401 ? 'this service needs an API key' : 'that key was refused'); }
}

function clearError() { $('error').hidden = true; $('error-code').textContent = ''; $('error-message').textContent = ''; }

function showKeyBox(note) {
  $('key-box').hidden = false;
  $('key-status').textContent = note || (apiKey() ? 'key in use for this tab' : '');
}

$('key-box').addEventListener('submit', (e) => {
  e.preventDefault();
  const k = $('api-key').value.trim();
  if (k) { sessionStorage.setItem(KEY_STORAGE, k); }
  $('api-key').value = '';
  $('key-status').textContent = 'key in use for this tab';
  clearError();
  loadAll();
});
$('key-forget').addEventListener('click', () => {
  sessionStorage.removeItem(KEY_STORAGE);
  $('key-status').textContent = 'key forgotten';
});

// ---------- formatting ----------
function price(v) { return Number(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }); }
function metric(v) {
  if (v === null || v === undefined || !isFinite(v)) { return '–'; }
  const a = Math.abs(v);
  return a !== 0 && a < 0.01 ? Number(v).toExponential(2) : Number(v).toLocaleString('en-US', { maximumFractionDigits: a < 10 ? 4 : 2 });
}
// A p-value: two significant digits, "< 0.001" below
function pv(v) {
  if (v === null || v === undefined || !isFinite(v)) { return '\u2013'; }
  return v < 0.001 ? '< 0.001' : String(Number(Number(v).toPrecision(2)));
}
// A table wider than its card scrolls inside its own box
function scrollBox(child) { const box = el('div', { class: 'scroll' }); box.append(child); return box; }
function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) { e.setAttribute(k, v); }
  if (text !== undefined) { e.textContent = text; }
  return e;
}
function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) { e.setAttribute(k, v); }
  if (text !== undefined) { e.textContent = text; }
  return e;
}

// ---------- the model ----------
// The card leads with the verdict in words (GET {model}/verdict: decided and tested in the service, not here), then a
// handful of numbers behind it, the test period beside the live record; the rest (interval calibration per level,
// provenance, every test metric) behind "details". R² and directional accuracy are higher-better; the details table
// shows numbers beside their baseline and no verdict of its own.
const TONE = { better: 'good', worse: 'bad', level: 'level', none: 'none' };

function renderModel(m) {
  const body = $('model-body');
  body.className = '';
  body.replaceChildren();
  const id = el('p', { class: 'model-id' });
  id.append(el('span', { id: 'model-name', class: 'model-name' }, m.name), document.createTextNode(' '),
    el('span', { id: 'model-version', class: 'version' }, m.version), document.createTextNode(' @' + m.alias + ' \u00b7 '),
    el('span', { id: 'model-symbol' }, m.symbol || 'symbol not recorded'), document.createTextNode(' \u00b7 trained on '),
    el('span', { id: 'model-trained' }, m.trained_from + ' to ' + m.trained_to));
  body.append(id);
  body.append(el('ul', { id: 'verdict', class: 'verdict muted', 'aria-live': 'polite' }, 'Loading the verdict\u2026'));
  body.append(el('div', { id: 'figures', class: 'scroll' }));

  const details = el('details', { id: 'model-details' });
  details.append(el('summary', {}, 'Details: interval calibration, provenance, every test metric'));
  details.append(el('h3', {}, 'Interval calibration per level'));
  details.append(el('div', { id: 'calibration-box', class: 'scroll' }, ''));
  details.append(el('h3', {}, 'Provenance'));
  const facts = el('dl', { class: 'facts' });
  const add = (label, value) => { facts.append(el('dt', {}, label)); facts.append(el('dd', {}, value)); };
  add('version', m.version + ' (' + m.alias + ')');
  add('input', m.window_length + ' days of ' + m.features.join(', '));
  add('max horizon', m.max_horizon + ' days');
  add('run', m.run_id);
  add('source', m.source || '');
  details.append(facts);
  details.append(el('h3', {}, 'Every test metric'));
  details.append(metricsTable(m));
  body.append(details);
}

// Every test_ metric beside its baseline (naive's; the up-day share for directional accuracy; the constant-width
// intervals' for coverage and interval score), as recorded; no "beats" here: the verdict above says what is tested.
function metricsTable(m) {
  const names = Object.keys(m.test_metrics).filter((k) => k.startsWith('test_')).map((k) => k.slice(5))
    .filter((n) => n !== 'up_share' && n !== 'up_day_share').sort();
  if (names.length === 0) { return el('p', { class: 'muted' }, 'No test metrics recorded with this version.'); }
  const box = el('div', { class: 'scroll' });
  const table = el('table', { id: 'test-metrics' });
  const head = el('tr');
  ['test metric', 'model', 'baseline'].forEach((h) => head.append(el('th', {}, h)));
  table.append(head);
  for (const n of names) {
    let baseline;
    let baselineName;
    if (n === 'directional_accuracy') {
      // versions trained before 2026-12-01 logged the up-day share as test_up_day_share
      baseline = m.test_metrics.test_up_share ?? m.test_metrics.test_up_day_share;
      baselineName = 'up-day share';
    } else if (/^(coverage|interval_score|interval_width)_/.test(n)) {
      baseline = m.test_metrics['baseline_test_' + n];
      baselineName = 'constant width';
    } else {
      baseline = n === 'mase' ? 1 : m.test_metrics['naive_test_' + n];
      baselineName = 'naive';
    }
    const tr = el('tr', { 'data-metric': n });
    tr.append(el('td', { class: 'label' }, n.replace(/_(\d+)_(\d+)$/, ' $1.$2%').replace(/_(\d+)$/, ' $1%').replace(/_/g, ' ')));
    tr.append(el('td', { class: 'model-value' }, metric(m.test_metrics['test_' + n])));
    tr.append(el('td', { class: 'baseline-value' }, baseline === undefined ? '' : metric(baseline) + ' (' + baselineName + ')'));
    table.append(tr);
  }
  box.append(table);
  return box;
}

// The verdict of the picked (or only) model; another model picked meanwhile draws its own.
async function loadVerdict() {
  const picked = state.picked;
  const list = $('verdict');
  try {
    const v = await api(modelPath() + '/verdict');
    if (state.picked !== picked || !$('verdict')) { return; }
    renderVerdict(v);
  } catch (err) {
    if (state.picked !== picked || !list) { return; }
    list.className = 'verdict muted';
    list.textContent = 'The verdict could not be read: ' + (err.message || err);
  }
}

function renderVerdict(v) {
  const list = $('verdict');
  list.className = 'verdict';
  list.dataset.version = v.version;
  list.replaceChildren();
  for (const line of v.lines) {
    const li = el('li', { class: 'tone-' + TONE[line.tone], 'data-topic': line.topic, 'data-tone': line.tone }, line.text);
    if (line.level !== undefined) { li.dataset.level = String(line.level); }
    list.append(li);
  }
  // the handful of numbers: the test period beside the live record of the same version
  const t = v.test;
  const live = v.live;
  const table = el('table', { id: 'key-figures' });
  const head = el('tr');
  ['', 'test period', 'live (v' + live.version + ')'].forEach((h) => head.append(el('th', {}, h)));
  table.append(head);
  const row = (key, label, test, liveValue) => {
    const tr = el('tr', { 'data-figure': key });
    const cell = (cls, value) => { const td = el('td', { class: cls }); td.append(value); return td; };
    tr.append(el('td', { class: 'label' }, label), cell('test-value', test), cell('live-value', liveValue));
    table.append(tr);
  };
  const pair = (a, b) => {
    if (a === null || a === undefined) { return '\u2013'; }
    const cell = document.createDocumentFragment();
    cell.append(metric(a));
    if (b !== null && b !== undefined) { cell.append(el('span', { class: 'sub' }, ' (naive ' + metric(b) + ')')); }
    return cell;
  };
  row('days', 'days', t.days === null ? '\u2013' : String(t.days), String(live.days));
  row('mae', 'MAE', pair(t.mae, t.naive_mae), pair(live.mae, live.naive_mae));
  row('mase', 'MASE', metric(t.mase), metric(live.mase));
  row('dm_p', 'DM p vs naive', pv(t.dm_p), pv(live.dm_p));
  for (const l of v.intervals.levels) {
    const lc = live.coverage.find((c) => Math.abs(c.level - l.level) < 1e-9);
    row('coverage_' + l.level, levelName(l.level) + ' coverage', metric(l.coverage), lc ? metric(lc.coverage) : '\u2013');
  }
  $('figures').replaceChildren(table);
  $('calibration-box').replaceChildren(calibrationTable(v.intervals.levels));
}

function levelName(level) { return Math.round(level * 1000) / 10 + ' %'; }

// Per level: coverage against nominal, the Kupiec and Christoffersen (conditional coverage) p-values, the interval
// score beside GARCH(1,1)'s and the constant-width baseline's; under the table the service's words for each level.
function calibrationTable(levels) {
  if (levels.length === 0) { return el('p', { class: 'muted' }, 'No interval metrics recorded with this version.'); }
  const box = document.createDocumentFragment();
  const scroll = el('div', { class: 'scroll' });
  const table = el('table', { id: 'calibration' });
  const head = el('tr');
  ['level', 'coverage', 'Kupiec p', 'Christoffersen p', 'interval score', 'GARCH(1,1)', 'constant']
    .forEach((h) => head.append(el('th', {}, h)));
  table.append(head);
  const words = el('ul', { id: 'calibration-verdicts', class: 'level-verdicts' });
  for (const l of levels) {
    const tr = el('tr', { 'data-level': String(l.level) });
    tr.append(el('td', {}, levelName(l.level)), el('td', {}, metric(l.coverage)), el('td', {}, pv(l.kupiec_p)),
      el('td', {}, pv(l.christoffersen_cc_p)), el('td', {}, metric(l.interval_score)),
      el('td', {}, metric(l.garch_interval_score)), el('td', {}, metric(l.constant_interval_score)));
    table.append(tr);
    words.append(el('li', { class: 'tone-' + TONE[l.calibration], 'data-level': String(l.level) }, l.text));
  }
  scroll.append(table);
  box.append(scroll, words);
  return box;
}

async function loadModel(retry) {
  try {
    const m = await api(modelPath());
    state.model = m;
    if (state.modelError) { clearError(); state.modelError = false; }
    renderModel(m);
    loadVerdict();
    $('horizon').max = m.max_horizon;
    $('horizon-note').textContent = 'days (1..' + m.max_horizon + ')';
    if (Number($('horizon').value) > m.max_horizon) { $('horizon').value = m.max_horizon; }
    $('closes').placeholder = m.window_length + ' closes, oldest first';
    return true;
  } catch (err) {
    state.model = null;
    $('model-body').className = 'muted';
    $('model-body').textContent = err.status === 503 ? 'No model serves yet: ' + err.message : 'The model could not be read (see the message below).';
    showError(err);
    state.modelError = true;
    if (err.status === 503 && retry) { setTimeout(loadAll, 2000); } // the model is still loading: try again
    return false;
  }
}

// ---------- a fleet: which model ----------
// GET /v1/models lists the models the service serves; with several, a picker chooses one (?model=NAME opens on it).
async function loadFleet() {
  let list;
  try {
    list = await api('/v1/models');
  } catch (err) {
    return; // an older service, or no key yet: the single-model routes say what is wrong
  }
  state.fleet = list.models || [];
  const row = $('model-pick-row');
  if (state.fleet.length < 2) { state.picked = null; row.hidden = true; return; }
  const select = $('model-pick');
  select.replaceChildren();
  for (const x of state.fleet) {
    const served = x.serving_version ? ' v' + x.serving_version : '';
    select.append(el('option', { value: x.name }, x.name + served + (x.condition === 'serving' ? '' : ' (' + x.condition.replace('_', ' ') + ')')));
  }
  const asked = new URLSearchParams(location.search).get('model');
  const names = state.fleet.map((x) => x.name);
  const first = (state.fleet.find((x) => x.condition === 'serving') || state.fleet[0]).name;
  state.picked = names.includes(state.picked) ? state.picked : (names.includes(asked) ? asked : first);
  select.value = state.picked;
  $('model-pick-note').textContent = state.fleet.length + ' models in this service';
  row.hidden = false;
}
$('model-pick').addEventListener('change', async () => {
  clearError();
  state.picked = $('model-pick').value;
  state.opened = false;
  const url = new URL(location.href);
  url.searchParams.set('model', state.picked);
  history.replaceState(null, '', url);
  await openOnModel();
});

// ---------- samples ----------
async function loadSamples() {
  try {
    const s = await api('/v1/samples');
    state.samples = s.symbols;
    const select = $('symbol');
    select.replaceChildren();
    for (const x of s.symbols) {
      select.append(el('option', { value: x.symbol }, x.symbol + ' (' + x.first + ' to ' + x.last + ')'));
    }
    const own = state.model && state.model.symbol && s.symbols.find((x) => x.symbol === state.model.symbol);
    if (own) { select.value = own.symbol; }
    symbolWarning();
    const none = s.symbols.length === 0;
    $('source-sample').disabled = none;
    $('sample-note').textContent = none ? 'No bundled samples (the data directory is missing or empty).' : 'The last closes of the file are used.';
    if (none && $('source-sample').checked) { $('source-paste').checked = true; showPane(); }
  } catch (err) {
    showError(err);
  }
}

// A visible warning when the bundled symbol picked is not the one the model was trained on.
function symbolWarning() {
  const box = $('symbol-warning');
  const m = state.model;
  const picked = $('symbol').value;
  const other = source() === 'sample' && m && m.symbol && picked && picked !== m.symbol;
  box.hidden = !other;
  box.textContent = other ? 'This model was trained and evaluated on ' + m.symbol + ' closes only: its forecast for '
    + picked + ' (and the intervals around it) applies it to another stock, which nothing has tested.' : '';
}
$('symbol').addEventListener('change', () => { clearError(); symbolWarning(); });

// ---------- online accuracy ----------
// One model: /v1/feedback/summary. A fleet: the picked model's own, /v1/models/{name}/feedback/summary.
async function loadAccuracy() {
  const body = $('accuracy-body');
  const picked = state.picked;
  try {
    const s = await api(feedbackPath() + '/summary');
    if (state.picked !== picked) { return; } // another model was picked meanwhile: its own answer fills the card
    body.replaceChildren();
    body.dataset.model = s.model || '';
    body.className = '';
    if (s.versions.length === 0) {
      body.className = 'muted';
      body.append(document.createTextNode('No feedback yet' + (state.picked ? ' for ' + state.picked : '') + '. Clients report actual closes with '),
        el('code', {}, 'POST ' + feedbackPath()),
        document.createTextNode('; the model\u2019s MAE over the last ' + s.window + ' reported days appears here beside the naive forecast\u2019s.'));
      return;
    }
    const table = el('table', { id: 'accuracy-table' });
    const head = el('tr');
    ['version', 'days', 'model MAE', 'naive MAE', 'MASE', 'reported days'].forEach((h) => head.append(el('th', {}, h)));
    table.append(head);
    for (const v of s.versions) {
      const tr = el('tr', { 'data-version': v.version });
      tr.append(el('td', {}, 'v' + v.version + (v.version === s.serving_version ? ' (serving)' : '')));
      tr.append(el('td', {}, String(v.count)));
      tr.append(el('td', { class: 'mae' }, metric(v.mae)));
      tr.append(el('td', { class: 'naive-mae' }, metric(v.naive_mae)));
      tr.append(el('td', { class: 'mase' }, v.mase === null ? '–' : metric(v.mase)));
      tr.append(el('td', {}, v.first_date + ' to ' + v.last_date));
      table.append(tr);
    }
    body.append(scrollBox(table));
    body.append(el('p', { class: 'muted' }, (picked ? 'Feedback reported for ' + s.model + '. ' : '')
      + 'MASE = model MAE / naive MAE over the last ' + s.window + ' reported days (below 1: smaller errors than '
      + 'tomorrow = today on those days; no test of significance, see the verdict above for the tested record).'));
  } catch (err) {
    if (state.picked !== picked) { return; }
    body.className = 'muted';
    body.textContent = 'Online accuracy unavailable: ' + err.message;
  }
}

// ---------- input ----------
function source() { return document.querySelector('input[name=source]:checked').value; }
function showPane() {
  for (const s of ['sample', 'paste', 'csv']) { $('pane-' + s).hidden = source() !== s; }
}
document.querySelectorAll('input[name=source]').forEach((r) => r.addEventListener('change', () => { clearError(); showPane(); symbolWarning(); }));

function horizonValue() {
  const raw = $('horizon').value.trim();
  return /^-?\d+$/.test(raw) ? Number(raw) : raw; // anything else goes to the API as typed, which says what is wrong
}

function pasted() {
  return $('closes').value.split(/[\s,;]+/).filter((t) => t !== '').map((t) => (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? Number(t) : t));
}

// Date and the model's column of a Yahoo CSV, for the chart only (the API reads the file itself).
function csvHistory(text, column) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) { return null; }
  const header = lines[0].split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const d = header.indexOf('Date');
  const c = header.indexOf(column);
  if (d < 0 || c < 0) { return null; }
  const dates = [];
  const values = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const v = Number(cells[c]);
    if (!isFinite(v)) { return null; }
    dates.push(cells[d].trim());
    values.push(v);
  }
  return { dates: dates.slice(-CONTEXT_DAYS), values: values.slice(-CONTEXT_DAYS) };
}

async function run() {
  clearError();
  if (!state.model && !(await loadModel())) { return; }
  const m = state.model;
  const horizon = horizonValue();
  const seq = ++state.runs; // only the latest run draws (the opening forecast may still be under way)
  const button = $('run');
  button.disabled = true;
  try {
    let history;
    let result;
    let title;
    if (source() === 'sample') {
      const symbol = $('symbol').value;
      const info = state.samples.find((x) => x.symbol === symbol);
      const days = Math.min(info ? info.rows : m.window_length, Math.max(m.window_length, CONTEXT_DAYS));
      const s = await api('/v1/samples/' + encodeURIComponent(symbol) + '?days=' + days + '&column=' + encodeURIComponent(m.features[0]));
      history = { dates: s.dates, values: s.closes };
      const w = m.window_length;
      result = await api(predictPath(), {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ closes: s.closes.slice(-w), dates: s.dates.slice(-w), horizon: horizon }),
      });
      title = symbol + ' ' + s.column + ': last ' + s.closes.length + ' days and the next ' + result.horizon;
    } else if (source() === 'paste') {
      const closes = pasted();
      result = await api(predictPath(), {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ closes: closes, horizon: horizon }),
      });
      history = { dates: null, values: closes };
      title = 'Pasted closes and the next ' + result.horizon;
    } else {
      const file = $('csv-file').files[0];
      if (!file) { throw { code: 'no_file', message: 'csv: expected a file to upload, found none (choose one above)' }; }
      const text = await file.text();
      result = await api(predictPath() + '/csv?horizon=' + encodeURIComponent(String(horizon)), {
        method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: text,
      });
      history = csvHistory(text, m.features[0]) || { dates: null, values: [] };
      title = file.name + ': last ' + history.values.length + ' days and the next ' + result.horizon;
    }
    if (seq !== state.runs) { return; }
    $('chart-title').textContent = title;
    drawChart(history, result);
    renderTable(history, result);
    loadAccuracy();
  } catch (err) {
    if (seq === state.runs) { showError(err); }
  } finally {
    button.disabled = false;
  }
}
$('run').addEventListener('click', run);

// ---------- chart (hand-written SVG) ----------
function niceTicks(lo, hi, count) {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw);
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) { ticks.push(Number(t.toFixed(10))); }
  return ticks;
}

function drawChart(history, result) {
  const W = 1000;
  const H = 360;
  const M = { left: 64, right: 24, top: 16, bottom: 40 };
  const hv = history.values.filter((v) => typeof v === 'number' && isFinite(v));
  const n = hv.length;
  const h = result.predictions.length;
  const bands = (result.intervals || []).slice().sort((a, b) => b.level - a.level); // widest first, drawn below
  let all = hv.concat(result.predictions, result.naive);
  for (const b of bands) { all = all.concat(b.lower, b.upper); }
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.02 || 1;
  lo -= pad;
  hi += pad;
  const total = n + h;
  const x = (i) => M.left + (total <= 1 ? 0 : (i * (W - M.left - M.right)) / (total - 1));
  const y = (v) => M.top + ((hi - v) * (H - M.top - M.bottom)) / (hi - lo);
  const root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'closes and forecast', id: 'chart-svg' });

  for (const t of niceTicks(lo, hi, 6)) {
    root.append(svg('line', { class: 'grid-line', x1: M.left, x2: W - M.right, y1: y(t), y2: y(t) }));
    root.append(svg('text', { class: 'axis-label', x: M.left - 8, y: y(t) + 4, 'text-anchor': 'end' }, price(t)));
  }
  const labelAt = (i) => {
    if (i < n) { return history.dates ? history.dates[history.dates.length - n + i] : 't' + (i - n + 1 === 0 ? '' : (i - n + 1)); }
    return result.dates ? result.dates[i - n] : 't+' + (i - n + 1);
  };
  const every = Math.max(1, Math.ceil(total / 8));
  for (let i = 0; i < total; i += every) {
    root.append(svg('text', { class: 'axis-label', x: x(i), y: H - M.bottom + 18, 'text-anchor': 'middle' }, labelAt(i)));
  }
  if (n > 0) {
    root.append(svg('line', { class: 'split', x1: x(n - 1), x2: x(n - 1), y1: M.top, y2: H - M.bottom }));
    root.append(svg('text', { class: 'split-label', x: x(n - 1) + 6, y: M.top + 12 }, 'forecast \u2192'));
    root.append(svg('polyline', { class: 'history-line', points: hv.map((v, i) => x(i) + ',' + y(v)).join(' ') }));
  }
  const start = n > 0 ? [x(n - 1) + ',' + y(hv[n - 1])] : [];
  for (const b of bands) {
    const upper = b.upper.map((v, k) => x(n + k) + ',' + y(v));
    const lower = b.lower.map((v, k) => x(n + k) + ',' + y(v)).reverse();
    const band = svg('polygon', { class: 'band band-' + Math.round(b.level * 1000), points: start.concat(upper, lower).join(' '),
      'data-level': String(b.level), 'data-lower': JSON.stringify(b.lower), 'data-upper': JSON.stringify(b.upper) });
    band.append(svg('title', {}, Math.round(b.level * 1000) / 10 + '% interval'));
    root.append(band);
  }
  root.append(svg('polyline', { class: 'naive-line', points: start.concat(result.naive.map((v, k) => x(n + k) + ',' + y(v))).join(' ') }));
  root.append(svg('polyline', { class: 'forecast-line', points: start.concat(result.predictions.map((v, k) => x(n + k) + ',' + y(v))).join(' ') }));
  result.naive.forEach((v, k) => {
    const c = svg('circle', { class: 'naive-point', cx: x(n + k), cy: y(v), r: 3.5 });
    c.append(svg('title', {}, labelAt(n + k) + ' naive ' + price(v)));
    root.append(c);
  });
  result.predictions.forEach((v, k) => {
    const c = svg('circle', { class: 'forecast-point', cx: x(n + k), cy: y(v), r: 4.5, 'data-value': String(v) });
    c.append(svg('title', {}, labelAt(n + k) + ' forecast ' + price(v)));
    root.append(c);
  });
  $('chart').replaceChildren(root);
}

function renderTable(history, result) {
  const box = $('forecast-table');
  box.className = '';
  const table = el('table', { id: 'forecast-days' });
  const head = el('tr');
  const bands = result.intervals || [];
  ['day', 'model'].concat(bands.map((b) => Math.round(b.level * 1000) / 10 + '% interval'), ['naive', 'model \u2212 naive'])
    .forEach((t) => head.append(el('th', {}, t)));
  table.append(head);
  result.predictions.forEach((v, k) => {
    const tr = el('tr');
    tr.append(el('td', {}, result.dates ? result.dates[k] : 't+' + (k + 1)));
    tr.append(el('td', { class: 'forecast-value' }, price(v)));
    for (const b of bands) { tr.append(el('td', { class: 'interval-value' }, price(b.lower[k]) + ' \u2013 ' + price(b.upper[k]))); }
    tr.append(el('td', {}, price(result.naive[k])));
    const d = v - result.naive[k];
    tr.append(el('td', {}, (d >= 0 ? '+' : '\u2212') + price(Math.abs(d))));
    table.append(tr);
  });
  const p = el('p', { class: 'muted' }, 'Model ' + result.model.name + ' v' + result.model.version + ', last close '
    + (history.values.length ? price(history.values[history.values.length - 1]) : '?')
    + (result.dates ? (result.calendar === 'us-equities'
      ? '; days are the next US trading days (weekends and NYSE / Nasdaq holidays skipped).'
      : result.calendar === 'b3'
        ? '; days are the next B3 trading days (weekends and B3 holidays skipped).'
        : '; days are the next weekdays (this exchange\u2019s holidays are not known).') : '.'));
  box.replaceChildren(scrollBox(table), p);
}

// ---------- start ----------
async function loadAll() {
  if (apiKey()) { showKeyBox(); }
  await loadFleet();
  await openOnModel();
}

// The picked (or only) model: its card, then on first opening its forecast for its own symbol, without a click.
async function openOnModel() {
  if (await loadModel(true)) {
    await Promise.all([loadSamples(), loadAccuracy()]);
    const m = state.model;
    if (!state.opened && m.symbol && state.samples.some((x) => x.symbol === m.symbol) && source() === 'sample') {
      state.opened = true;
      $('symbol').value = m.symbol;
      symbolWarning();
      await run();
    }
  }
}
showPane();
loadAll();
setInterval(() => { if (state.model) { loadAccuracy(); loadVerdict(); } }, 30000); // the live record moves as closes arrive
