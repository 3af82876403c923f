"use strict";
// Renders the interactive views from the embedded JSON. Every string from the account is
// inserted with textContent, never as markup; the check documentation (faascan's own Markdown)
// is turned into elements, with links only to http(s) URLs. The page loads nothing itself.
(function () {
  const data = JSON.parse(document.getElementById("faascan-data").textContent);
  const STATUS = ["pass", "fail", "unknown", "muted"];
  const SEVERITY = ["info", "low", "medium", "high", "critical"];
  // Failures first, then what could not be judged, then what was accepted, then passes.
  const STATUS_RANK = { fail: 0, unknown: 1, muted: 2, pass: 3 };
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  const byId = (id) => document.getElementById(id);
  const service = (checkId) => checkId.split("-")[0];
  const rows = data.results.map((r, i) => ({
    i,
    check: data.checks[r[0]],
    status: STATUS[r[1]],
    severity: SEVERITY[r[2]],
    resource: data.resources[r[3]],
    findings: r[4] || [],
    reason: r[5] || "",
    note: r[6] || "",
    isNew: r[7] === 1,
    // A muted result's suppression: {was, reason, owner?, expires?}.
    muted: r[8] || null,
  }));

  // A safe link: only http(s), opened without a referrer or opener.
  const link = (href, text) => {
    if (!/^https?:\/\//i.test(href)) return el("span", null, text);
    const a = el("a", null, text);
    a.href = href;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    return a;
  };
  // Inline Markdown: `code`, **bold**, [text](url) and bare URLs.
  const inline = (parent, text) => {
    const re = /(`[^`]+`)|(\*\*[^*]+\*\*)|\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)|(https?:\/\/[^\s)]+)/g;
    let last = 0;
    let m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) parent.append(document.createTextNode(text.slice(last, m.index)));
      if (m[1]) parent.append(el("code", null, m[1].slice(1, -1)));
      else if (m[2]) parent.append(el("strong", null, m[2].slice(2, -2)));
      else if (m[3]) parent.append(link(m[4], m[3]));
      else parent.append(link(m[5], m[5]));
      last = re.lastIndex;
    }
    if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
  };
  // Block Markdown: headings, list items and paragraphs.
  const markdown = (text) => {
    const root = el("div", "md");
    let list = null;
    let para = null;
    for (const raw of text.split("\n")) {
      const line = raw.trim();
      if (!line) { list = null; para = null; continue; }
      const heading = /^#{1,6}\s+(.*)$/.exec(line);
      const item = /^[-*]\s+(.*)$/.exec(line);
      if (heading) {
        list = null; para = null;
        const h = el("h5");
        inline(h, heading[1]);
        root.append(h);
      } else if (item) {
        para = null;
        if (!list) { list = el("ul"); root.append(list); }
        const li = el("li");
        inline(li, item[1]);
        list.append(li);
      } else {
        list = null;
        if (!para) { para = el("p"); root.append(para); } else para.append(document.createTextNode(" "));
        inline(para, line);
      }
    }
    return root;
  };

  // Header
  byId("title").textContent = "faascan report: account " + data.meta.account;
  byId("subtitle").textContent =
    "regions " + data.meta.regions.join(", ") + " · scanned " + data.meta.scan_started + " by " + data.meta.caller_arn +
    " · faascan " + data.meta.tool_version + " · catalogue " + data.meta.catalogue_version;
  // The static failure list is for readers without JavaScript; the table below has them all.
  const staticFailures = byId("static-failures");
  if (staticFailures) staticFailures.remove();
  byId("app").hidden = false;

  // Filters (also set from the URL fragment: #status=fail&severity=high&view=compliance)
  const FILTERS = [["severity", "f-severity"], ["status", "f-status"], ["service", "f-service"], ["check", "f-check"],
    ["region", "f-region"], ["q", "f-text"]];
  const fill = (id, values) => {
    const s = byId(id);
    for (const v of values) s.append(Object.assign(el("option", null, v), { value: v }));
  };
  fill("f-severity", SEVERITY.slice().reverse());
  fill("f-status", ["fail", "unknown", "muted", "pass"]);
  fill("f-service", [...new Set(rows.map((r) => service(r.check.id)))].sort());
  fill("f-check", data.checks.map((c) => c.id));
  fill("f-region", [...new Set(rows.map((r) => r.resource[3]))].sort());
  const params = new URLSearchParams(location.hash.slice(1));
  for (const [key, id] of FILTERS) {
    if (params.get(key)) byId(id).value = params.get(key);
  }
  // A set of checks chosen from the compliance view (a control's checks).
  let checkSet = params.get("checks") ? new Set(params.get("checks").split(",")) : null;

  // Status cards: a click filters by that status (again: clears it).
  const cards = byId("cards");
  const count = (pred) => rows.reduce((n, r) => n + (pred(r) ? 1 : 0), 0);
  for (const st of ["fail", "unknown", "muted", "pass"]) {
    const c = el("button", "card");
    c.type = "button";
    c.dataset.status = st;
    c.append(el("span", "n st-" + st, count((r) => r.status === st)), el("span", null, st));
    c.addEventListener("click", () => {
      const f = byId("f-status");
      f.value = f.value === st ? "" : st;
      page = 0;
      show("results");
      render();
    });
    cards.append(c);
  }
  const gapsCard = el("button", "card");
  gapsCard.type = "button";
  gapsCard.append(el("span", "n", data.gaps.length), el("span", null, "gaps"));
  gapsCard.addEventListener("click", () => byId("gaps-section").scrollIntoView());
  cards.append(gapsCard);

  let sortKey = "default";
  let sortDir = 1;
  let page = 0;
  const pageSize = () => {
    const v = byId("f-page-size").value;
    return v === "all" ? Infinity : Number(v);
  };
  const sortValue = {
    severity: (r) => SEVERITY.indexOf(r.severity),
    status: (r) => STATUS_RANK[r.status],
    check: (r) => r.check.id,
    resource: (r) => r.resource[0],
    region: (r) => r.resource[3],
  };
  const byDefault = (a, b) =>
    STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
    SEVERITY.indexOf(b.severity) - SEVERITY.indexOf(a.severity) ||
    (a.check.id < b.check.id ? -1 : a.check.id > b.check.id ? 1 : 0) ||
    a.i - b.i;
  const filtered = () => {
    const f = {};
    for (const [key, id] of FILTERS) f[key] = byId(id).value;
    f.q = f.q.toLowerCase();
    const out = rows.filter((r) =>
      (!f.severity || r.severity === f.severity) && (!f.status || r.status === f.status) &&
      (!f.service || service(r.check.id) === f.service) && (!f.check || r.check.id === f.check) &&
      (!f.region || r.resource[3] === f.region) && (!checkSet || checkSet.has(r.check.id)) &&
      (!f.q || (r.resource[0] + " " + r.resource[2] + " " + r.check.id + " " + r.findings.map((x) => x[0]).join(" ")).toLowerCase().includes(f.q)));
    if (sortKey === "default") out.sort(byDefault);
    else {
      const key = sortValue[sortKey];
      out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * sortDir || byDefault(a, b));
    }
    return out;
  };

  const detail = (r) => {
    const tr = el("tr", "detail");
    const td = el("td");
    td.colSpan = 6;
    const c = r.check;
    td.append(el("h4", null, c.title));
    if (c.description) td.append(el("p", null, c.description));
    if (c.risk) td.append(el("p", "risk", "Why it matters: " + c.risk));
    for (const f of r.findings) {
      td.append(el("pre", null, f[0]));
      for (const [path, value] of f[1]) td.append(el("pre", null, path + " = " + value));
      if (f[2] && f[2].length) td.append(el("pre", null, "related: " + f[2].join(", ")));
    }
    if (r.reason) td.append(el("pre", null, "unknown: " + r.reason));
    if (r.muted) {
      const m = r.muted;
      td.append(el("pre", "muted", "muted: was " + m.was + " · reason: " + m.reason +
        (m.owner ? " · owner: " + m.owner : "") + (m.expires ? " · expires: " + m.expires : "")));
    }
    if (r.note) td.append(el("pre", null, "note: " + r.note));
    if (c.compliance.length) td.append(el("p", null, "Compliance: " + c.compliance.join(", ")));
    if (c.remediation) {
      td.append(el("h5", null, "Remediation"));
      td.append(markdown(c.remediation));
    }
    const refs = el("p", "refs");
    refs.append(link(c.doc_url, "documentation"));
    for (const ref of c.references) { refs.append(document.createTextNode(" · ")); refs.append(link(ref, ref)); }
    td.append(refs);
    tr.append(td);
    return tr;
  };

  const render = () => {
    const list = filtered();
    const size = pageSize();
    const pages = Math.max(1, Math.ceil(list.length / size));
    if (!(page < pages)) page = pages - 1;
    const start = size === Infinity ? 0 : page * size;
    const end = Math.min(list.length, start + size);
    const body = byId("rows");
    body.replaceChildren();
    for (const r of list.slice(start, end)) {
      const tr = el("tr", "result");
      tr.dataset.status = r.status;
      const message = r.findings.length ? r.findings[0][0] : r.reason || (r.muted ? "muted: " + r.muted.reason : r.note);
      const status = el("td", "st-" + r.status, r.status);
      if (r.isNew) status.append(el("span", "new", "new"));
      tr.append(el("td", "sev sev-" + r.severity, r.severity), status,
        el("td", null, r.check.id), el("td", "arn", r.resource[5] ? r.resource[0] + " (" + r.resource[5] + ")" : r.resource[0]), el("td", null, r.resource[3]), el("td", null, message));
      tr.addEventListener("click", () => {
        const next = tr.nextSibling;
        if (next && next.className === "detail") next.remove();
        else tr.after(detail(r));
      });
      body.append(tr);
    }
    byId("count").textContent = list.length + " results match; showing " + (list.length ? start + 1 : 0) + "–" + end +
      (checkSet ? " (checks of the chosen control)" : "");
    for (const p of document.querySelectorAll(".pager")) {
      p.querySelector(".page").textContent = "page " + (page + 1) + " of " + pages;
      p.querySelector(".prev").disabled = page === 0;
      p.querySelector(".next").disabled = page >= pages - 1;
    }
    for (const c of cards.querySelectorAll("[data-status]")) c.classList.toggle("active", byId("f-status").value === c.dataset.status);
    byId("clear-checks").hidden = !checkSet;
  };
  for (const [, id] of FILTERS) byId(id).addEventListener(id === "f-text" ? "input" : "change", () => { page = 0; render(); });
  byId("f-page-size").addEventListener("change", () => { page = 0; render(); });
  byId("clear-checks").addEventListener("click", () => { checkSet = null; page = 0; render(); });
  for (const p of document.querySelectorAll(".pager")) {
    p.querySelector(".prev").addEventListener("click", () => { page -= 1; render(); });
    p.querySelector(".next").addEventListener("click", () => { page += 1; render(); });
  }
  for (const th of document.querySelectorAll("th[data-sort]")) {
    th.addEventListener("click", () => {
      sortDir = sortKey === th.dataset.sort ? -sortDir : -1;
      sortKey = th.dataset.sort;
      render();
    });
  }

  // Views
  const VIEWS = ["results", "paths", "compliance", "regions"];
  const show = (view) => {
    for (const v of VIEWS) byId("view-" + v).hidden = v !== view;
    for (const b of document.querySelectorAll("#views button")) b.classList.toggle("active", b.dataset.view === view);
  };
  for (const b of document.querySelectorAll("#views button")) b.addEventListener("click", () => show(b.dataset.view));

  // Attack paths: entry, function, role.
  const paths = byId("paths");
  const pathRows = rows.filter((r) => r.check.path && r.status === "fail").sort(byDefault);
  for (const r of pathRows) {
    const tr = el("tr");
    const chain = el("td", "chain");
    const related = r.findings.flatMap((f) => f[2] || []);
    const isRole = (arn) => arn.includes(":iam::") && arn.includes(":role/");
    const steps = [...related.filter((a) => !isRole(a)), r.resource[0], ...related.filter(isRole)];
    steps.forEach((arn, i) => {
      if (i) chain.append(el("span", "arrow", " → "));
      chain.append(el("span", "arn", arn));
    });
    tr.append(el("td", "sev sev-" + r.severity, r.severity), el("td", null, r.check.id), el("td", null, r.resource[2]),
      el("td", null, r.findings.length ? r.findings[0][0] : ""), chain);
    paths.append(tr);
  }
  byId("paths-count").textContent = pathRows.length + " attack path(s) found";

  // Compliance: a framework's controls; a control's row shows its checks' results.
  const frameworkSelect = byId("f-framework");
  for (const fw of data.compliance) frameworkSelect.append(Object.assign(el("option", null, fw.framework), { value: fw.framework }));
  const renderControls = () => {
    const fw = data.compliance.find((f) => f.framework === frameworkSelect.value) || data.compliance[0];
    const body = byId("controls");
    body.replaceChildren();
    if (!fw) return;
    byId("framework-source").textContent = fw.source;
    for (const [control, status, checks, resources, pass, fail, unknown, muted, source] of fw.controls) {
      const tr = el("tr", "control");
      const name = el("td");
      name.append(link(source, control));
      tr.append(name, el("td", "cs-" + status, status.replace("_", " ")), el("td", null, resources), el("td", null, pass),
        el("td", null, fail), el("td", null, unknown), el("td", null, muted), el("td", null, checks.join(", ")));
      tr.addEventListener("click", (e) => {
        if (e.target.tagName === "A") return;
        checkSet = new Set(checks);
        byId("f-status").value = fail ? "fail" : "";
        page = 0;
        show("results");
        render();
      });
      body.append(tr);
    }
  };
  frameworkSelect.addEventListener("change", renderControls);
  if (params.get("framework")) frameworkSelect.value = params.get("framework");
  renderControls();

  // Regions: counts per region; a row filters the results to it.
  const regionsBody = byId("regions");
  const regions = [...new Set(rows.map((r) => r.resource[3]))].sort();
  for (const region of regions) {
    const subset = rows.filter((r) => r.resource[3] === region);
    const n = (pred) => subset.reduce((k, r) => k + (pred(r) ? 1 : 0), 0);
    const tr = el("tr", "region");
    tr.append(el("td", null, region), el("td", "st-fail", n((r) => r.status === "fail")));
    for (const sev of SEVERITY.slice().reverse()) tr.append(el("td", null, n((r) => r.status === "fail" && r.severity === sev)));
    tr.append(el("td", null, n((r) => r.status === "pass")), el("td", null, n((r) => r.status === "unknown")),
      el("td", null, n((r) => r.status === "muted")));
    tr.addEventListener("click", () => { byId("f-region").value = region; page = 0; show("results"); render(); });
    regionsBody.append(tr);
  }

  const gaps = byId("gaps");
  for (const g of data.gaps) {
    const tr = el("tr");
    tr.append(el("td", null, g.service), el("td", null, g.region || "global"), el("td", null, g.operation),
      el("td", "arn", g.resource || ""), el("td", null, g.error_code + ": " + g.message));
    gaps.append(tr);
  }
  show(VIEWS.includes(params.get("view")) ? params.get("view") : "results");
  // A link can open a page of the results (#page=3, #page=last) with a page size (#size=500,
  // #size=all), and press controls of the page itself (#click=selector, repeatable).
  if (["100", "500", "all"].includes(params.get("size"))) byId("f-page-size").value = params.get("size");
  if (params.get("page")) page = params.get("page") === "last" ? Infinity : Math.max(0, Number(params.get("page")) - 1 || 0);
  render();
  for (const selector of params.getAll("click")) {
    try {
      const target = document.querySelector(selector);
      if (target) target.click();
    } catch (e) {
      // not a selector: ignored
    }
  }
  document.body.dataset.rendered = "true";
})();
