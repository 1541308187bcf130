// Search for wijknieuws: the one page that needs JavaScript. It folds and stems the query
// exactly as the build folds and stems the articles (wijknieuws/search.py: Dutch Snowball,
// "Porter" variant), then fetches only the index buckets and article chunks it needs.
"use strict";

var STOPWORDS = new Set(("aan al als bij dan dat de der des die dit door een en er had heb hebben heeft het " +
  "hij hoe hun ik in is je kan kunnen maar met na naar niet nog nu of om omdat ook op over te tot uit van " +
  "veel voor was wat we wel werd wie wij wil worden wordt zal ze zich zij zijn zo zou").split(" "));

function fold(text) {
  return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
}

// ------------------------------------------------------------------ Dutch Snowball stemmer
var VOWELS = "aeiouy\u00e8";
function isVowel(c) { return c !== undefined && c !== "" && VOWELS.indexOf(c) >= 0; }

function prelude(word) {
  // i between vowels and y after a vowel are consonants (I, Y) for the rest of the algorithm
  var w = word.split("");
  if (w[0] === "y") w[0] = "Y";
  var i = 0;
  for (;;) {
    while (i < w.length && !isVowel(w[i])) i++;
    if (i >= w.length) return w.join("");
    i++;
    if (w[i] === "i") {
      if (isVowel(w[i + 1])) w[i] = "I";
      i++;
    } else if (w[i] === "y") {
      w[i] = "Y";
      i++;
    }
  }
}

function pastVowelConsonant(s, from) {
  var i = from;
  while (i < s.length && !isVowel(s[i])) i++;
  if (i >= s.length) return -1;
  i++;
  while (i < s.length && isVowel(s[i])) i++;
  return i >= s.length ? -1 : i + 1;
}

function stem(word) {
  var s = prelude(word);
  var p1 = s.length, p2 = s.length;
  if (s.length >= 3) {
    var r1 = pastVowelConsonant(s, 0);
    if (r1 >= 0) {
      p1 = Math.max(r1, 3);
      var r2 = pastVowelConsonant(s, r1);
      if (r2 >= 0) p2 = r2;
    }
  }
  var eFound = false;
  var ends = function (suffix) { return s.length >= suffix.length && s.slice(-suffix.length) === suffix; };
  var cut = function (n) { s = s.slice(0, s.length - n); };
  var undouble = function () { if (ends("kk") || ends("dd") || ends("tt")) cut(1); };
  var enEnding = function (n) {
    var k = s.length - n;
    if (k >= p1 && k > 0 && !isVowel(s[k - 1]) && s.slice(Math.max(0, k - 3), k) !== "gem") { cut(n); undouble(); }
  };
  var longest = function (suffixes) {
    var best = "";
    suffixes.forEach(function (x) { if (ends(x) && x.length > best.length) best = x; });
    return best;
  };

  var m = longest(["heden", "en", "ene", "s", "se"]);
  if (m === "heden") {
    if (s.length - 5 >= p1) s = s.slice(0, -5) + "heid";
  } else if (m === "en" || m === "ene") {
    enEnding(m.length);
  } else if (m) {
    var k = s.length - m.length;
    if (k >= p1 && k > 0 && !isVowel(s[k - 1]) && s[k - 1] !== "j") cut(m.length);
  }
  var eEnding = function () {
    eFound = false;
    var k = s.length - 1;
    if (ends("e") && k >= p1 && k > 0 && !isVowel(s[k - 1])) { cut(1); eFound = true; undouble(); }
  };
  eEnding();
  if (ends("heid") && s.length - 4 >= p2 && s[s.length - 5] !== "c") {
    cut(4);
    if (ends("en")) enEnding(2);
  }
  m = longest(["end", "ing", "ig", "lijk", "baar", "bar"]);
  var at = s.length - m.length;
  if ((m === "end" || m === "ing") && at >= p2) {
    cut(3);
    if (ends("ig") && s.length - 2 >= p2 && s[s.length - 3] !== "e") cut(2); else undouble();
  } else if (m === "ig" && at >= p2 && s[at - 1] !== "e") {
    cut(2);
  } else if (m === "lijk" && at >= p2) {
    cut(4);
    eEnding();
  } else if (m === "baar" && at >= p2) {
    cut(4);
  } else if (m === "bar" && at >= p2 && eFound) {
    cut(3);
  }
  var n = s.length, last = s[n - 1];
  if (n >= 4 && !isVowel(last) && last !== "I" && /^(aa|ee|oo|uu)$/.test(s.slice(n - 3, n - 1)) && !isVowel(s[n - 4])) {
    s = s.slice(0, n - 2) + last;
  }
  return s.replace(/Y/g, "y").replace(/I/g, "i");
}

function terms(text) {
  var words = fold(text).match(/[a-z0-9]+/g) || [];
  var out = [];
  words.forEach(function (w) {
    if (STOPWORDS.has(w)) return;
    var t = stem(w);
    if (out.indexOf(t) < 0) out.push(t);
  });
  return out;
}

function bucketOf(term, buckets) {  // FNV-1a, as in search.py
  var h = 0x811c9dc5;
  for (var i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % buckets;
}

if (typeof module !== "undefined") module.exports = { fold: fold, stem: stem, terms: terms, bucketOf: bucketOf };

// ------------------------------------------------------------------ the search page
if (typeof document !== "undefined") document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("zoeken");
  if (!form) return;
  var base = form.dataset.index, root = form.dataset.root;
  var input = document.getElementById("zoekterm"), wijk = document.getElementById("zoek-wijk");
  var soort = document.getElementById("zoek-soort"), status = document.getElementById("zoek-status");
  var list = document.getElementById("zoek-resultaten"), more = document.getElementById("zoek-meer");
  var cache = {};
  var PAGE = 20;
  var hits = [], shown = 0, run = 0;

  function load(path) {
    if (!cache[path]) cache[path] = fetch(base + path).then(function (r) {
      if (!r.ok) throw new Error(path);
      return r.json();
    });
    return cache[path];
  }
  function option(select, label, value) {
    var o = document.createElement("option");
    o.value = value; o.textContent = label;
    select.appendChild(o);
  }
  function ids(deltas) {
    var out = [], at = 0;
    deltas.forEach(function (d) { at += d; out.push(at); });
    return out;
  }

  var ready = Promise.all([load("meta.json"), load("filters.json")]).then(function (r) {
    var meta = r[0];
    meta.wijken.forEach(function (name, i) { option(wijk, name, String(i)); });
    meta.types.forEach(function (name, i) { option(soort, name, String(i)); });
    var params = new URLSearchParams(window.location.search);
    // only what the address asks for: never wipe what the reader typed while the index loaded
    if (params.has("q")) input.value = params.get("q");
    if (params.has("wijk")) wijk.value = params.get("wijk");
    if (params.has("soort")) soort.value = params.get("soort");
    return { meta: meta, filters: r[1] };
  });

  function search() {
    var mine = ++run;
    var query = terms(input.value);
    ready.then(function (index) {
      if (!query.length) { show(mine, [], ""); return null; }
      var wanted = query.map(function (t) { return bucketOf(t, index.meta.buckets); });
      return Promise.all(wanted.map(function (b) { return load("t/" + b + ".json"); })).then(function (buckets) {
        var score = null;
        query.forEach(function (t, i) {
          var next = {};
          ids(buckets[i].text[t] || []).forEach(function (id) {
            if (score === null || id in score) next[id] = (score ? score[id] : 0);
          });
          ids(buckets[i].title[t] || []).forEach(function (id) { if (id in next) next[id] += 1; });
          score = next;
        });
        var w = wijk.value === "" ? null : Number(wijk.value), s = soort.value === "" ? null : Number(soort.value);
        var found = Object.keys(score).map(Number).filter(function (id) {
          var f = index.filters[id];
          return (w === null || f[0].indexOf(w) >= 0) && (s === null || f[1] === s);
        });
        found.sort(function (a, b) { return (score[b] - score[a]) || (b - a); });  // then newest first
        show(mine, found, input.value.trim(), index.meta.chunk);
      });
    }).catch(function () {
      status.textContent = "Zoeken lukt nu niet. Probeer het later opnieuw.";
    });
  }

  function show(mine, found, text, chunk) {
    if (mine !== run) return;
    hits = found; shown = 0; list.innerHTML = "";
    // announced only once the results are on the page, so a screen reader can go to them
    next(chunk).then(function () {
      if (mine !== run) return;
      status.textContent = !text ? "" : found.length === 0 ? "Geen resultaten voor \u2018" + text + "\u2019."
        : found.length + (found.length === 1 ? " resultaat" : " resultaten") + " voor \u2018" + text + "\u2019.";
    });
  }

  function next(chunk) {
    var page = hits.slice(shown, shown + PAGE);
    shown += page.length;
    more.hidden = shown >= hits.length;
    return Promise.all(page.map(function (id) { return load("d/" + Math.floor(id / chunk) + ".json"); }))
      .then(function (chunks) {
        page.forEach(function (id, i) {
          var d = chunks[i][id % chunk];
          var li = document.createElement("li"), card = document.createElement("article");
          card.className = "card";
          var h = document.createElement("h2"), a = document.createElement("a");
          h.className = "card__title"; a.href = root + d[1]; a.textContent = d[0];
          h.appendChild(a);
          var meta = document.createElement("p");
          meta.className = "zoeken__meta"; meta.textContent = [d[2], d[3], d[4]].join(" \u00b7 ");
          var summary = document.createElement("p");
          summary.className = "card__summary"; summary.textContent = d[5];
          card.appendChild(h); card.appendChild(meta); card.appendChild(summary);
          li.appendChild(card); list.appendChild(li);
        });
      });
  }

  var timer = null;
  function later() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var params = new URLSearchParams();
      if (input.value) params.set("q", input.value);
      if (wijk.value) params.set("wijk", wijk.value);
      if (soort.value) params.set("soort", soort.value);
      history.replaceState(null, "", "?" + params.toString());
      search();
    }, 200);
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); later(); });
  input.addEventListener("input", later);
  wijk.addEventListener("change", later);
  soort.addEventListener("change", later);
  more.addEventListener("click", function () {
    ready.then(function (index) { next(index.meta.chunk); });
  });
  ready.then(search);
});
