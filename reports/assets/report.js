"use strict";
// Renders the report from the embedded JSON. Every string from the account is inserted with
// textContent, never as markup; the page loads nothing from the network.
(function () {
  const data = JSON.parse(document.getElementById("faascan-data").textContent);
  const STATUS = ["pass", "fail", "unknown", "muted"];
  const SEVERITY = ["info", "low", "medium", "high", "critical"];
  const PAGE = 200;
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  const byId = (id) => document.getElementById(id);
  const service = (checkId) => checkId.split("-")[0];
  const rows = data.results.map((r) => ({
    check: data.checks[r[0]],
    status: STATUS[r[1]],
    severity: SEVERITY[r[2]],
    resource: data.resources[r[3]],
    findings: r[4] || [],
    reason: r[5] || "",
    note: r[6] || "",
  }));

  // Header and summary
  byId("title").textContent = "faascan report: account " + data.meta.account;
  byId("subtitle").textContent =
    "regions " + data.meta.regions.join(", ") + " · scanned " + data.meta.scan_started + " by " + data.meta.caller_arn +
    " · faascan " + data.meta.tool_version + " · catalogue " + data.meta.catalogue_version;
  const cards = byId("cards");
  const count = (pred) => rows.reduce((n, r) => n + (pred(r) ? 1 : 0), 0);
  for (const st of ["fail", "pass", "unknown", "muted"]) {
    const c = el("div", "card");
    c.append(el("div", "n st-" + st, count((r) => r.status === st)), el("div", null, st));
    c.dataset.status = st;
    cards.append(c);
  }
  const gapsCard = el("div", "card");
  gapsCard.append(el("div", "n", data.gaps.length), el("div", null, "gaps"));
  cards.append(gapsCard);

  const bars = byId("bars");
  const groups = [
    ...SEVERITY.slice().reverse().map((s) => ["severity " + s, (r) => r.severity === s]),
    ...[...new Set(rows.map((r) => service(r.check.id)))].sort().map((s) => ["service " + s, (r) => service(r.check.id) === s]),
  ];
  for (const [label, pred] of groups) {
    const subset = rows.filter(pred);
    if (!subset.length) continue;
    const bar = el("div", "bar");
    const track = el("div", "track");
    for (const st of STATUS) {
      const n = subset.filter((r) => r.status === st).length;
      if (!n) continue;
      const seg = el("div", "seg-" + st);
      seg.style.width = (100 * n / subset.length) + "%"; // CSSOM, allowed under the CSP
      seg.title = st + ": " + n;
      track.append(seg);
    }
    bar.append(el("span", "label", label), track, el("span", null, subset.length));
    bars.append(bar);
  }

  // Filters
  const fill = (id, values) => {
    const s = byId(id);
    for (const v of values) s.append(Object.assign(el("option", null, v), { value: v }));
  };
  fill("f-severity", SEVERITY.slice().reverse());
  fill("f-status", STATUS);
  fill("f-service", [...new Set(rows.map((r) => service(r.check.id)))].sort());
  fill("f-check", data.checks.map((c) => c.id));
  const params = new URLSearchParams(location.hash.slice(1));
  for (const [key, id] of [["severity", "f-severity"], ["status", "f-status"], ["service", "f-service"], ["check", "f-check"], ["q", "f-text"]]) {
    if (params.get(key)) byId(id).value = params.get(key);
  }

  let sortKey = "severity";
  let sortDir = -1;
  let shown = PAGE;
  const sortValue = {
    severity: (r) => SEVERITY.indexOf(r.severity),
    status: (r) => STATUS.indexOf(r.status),
    check: (r) => r.check.id,
    resource: (r) => r.resource[0],
    region: (r) => r.resource[3],
  };
  const filtered = () => {
    const f = {
      severity: byId("f-severity").value, status: byId("f-status").value, service: byId("f-service").value,
      check: byId("f-check").value, q: byId("f-text").value.toLowerCase(),
    };
    const out = rows.filter((r) =>
      (!f.severity || r.severity === f.severity) && (!f.status || r.status === f.status) &&
      (!f.service || service(r.check.id) === f.service) && (!f.check || r.check.id === f.check) &&
      (!f.q || (r.resource[0] + " " + r.resource[2] + " " + r.check.id + " " + r.findings.map((x) => x[0]).join(" ")).toLowerCase().includes(f.q)));
    const key = sortValue[sortKey];
    out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * sortDir);
    return out;
  };

  const detail = (r) => {
    const tr = el("tr", "detail");
    const td = el("td");
    td.colSpan = 5;
    td.append(el("strong", null, r.check.title));
    for (const f of r.findings) {
      td.append(el("pre", null, f[0]));
      for (const [path, value] of f[1]) td.append(el("pre", null, path + " = " + value));
      if (f[2] && f[2].length) td.append(el("pre", null, "related: " + f[2].join(", ")));
    }
    if (r.reason) td.append(el("pre", null, "unknown: " + r.reason));
    if (r.note) td.append(el("pre", null, "note: " + r.note));
    if (r.check.compliance.length) td.append(el("pre", null, "compliance: " + r.check.compliance.join(", ")));
    td.append(el("pre", null, r.check.docs));
    tr.append(td);
    return tr;
  };

  const render = () => {
    const list = filtered();
    const body = byId("rows");
    body.replaceChildren();
    for (const r of list.slice(0, shown)) {
      const tr = el("tr", "result");
      tr.dataset.status = r.status;
      const message = r.findings.length ? r.findings[0][0] : r.reason || r.note;
      tr.append(el("td", "sev sev-" + r.severity, r.severity), el("td", "st-" + r.status, r.status),
        el("td", null, r.check.id), el("td", "arn", r.resource[0]), el("td", null, message));
      tr.addEventListener("click", () => {
        const next = tr.nextSibling;
        if (next && next.className === "detail") next.remove();
        else tr.after(detail(r));
      });
      body.append(tr);
    }
    byId("count").textContent = list.length + " results match; showing " + Math.min(shown, list.length);
    byId("more").hidden = list.length <= shown;
  };
  for (const id of ["f-severity", "f-status", "f-service", "f-check"]) byId(id).addEventListener("change", () => { shown = PAGE; render(); });
  byId("f-text").addEventListener("input", () => { shown = PAGE; render(); });
  byId("more").addEventListener("click", () => { shown += PAGE; render(); });
  for (const th of document.querySelectorAll("th[data-sort]")) {
    th.addEventListener("click", () => {
      sortDir = sortKey === th.dataset.sort ? -sortDir : -1;
      sortKey = th.dataset.sort;
      render();
    });
  }

  const gaps = byId("gaps");
  for (const g of data.gaps) {
    const tr = el("tr");
    tr.append(el("td", null, g.service), el("td", null, g.region || "global"), el("td", null, g.operation),
      el("td", "arn", g.resource || ""), el("td", null, g.error_code + ": " + g.message));
    gaps.append(tr);
  }
  render();
  document.body.dataset.rendered = "true";
})();
