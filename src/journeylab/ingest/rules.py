"""The validation rules of semantics.md "Events", each written once, as a column
expression (DuckDB SQL), evaluated over a whole batch in one vectorised pass.

The pass gives every record a ``reason`` — null (accepted: its lake row is computed here),
a REASONS code, or ``check`` (a shape the expressions do not decide exactly: the
record-level :class:`~.model.Validator` does). Only records with a reason go to the
Validator, which names the exact reason and detail, keeps the raw text, or accepts a
``check`` record; tests/test_ingest_rules.py holds the two equal.

Constant SQL text, created once on the ingest's private connection (no value is ever
spliced in: the limits and the regexes, each written once, are DuckDB variables set with
bound values, :data:`PARAMS`):

- the view ``jl_wire_text`` (:data:`WIRE_TEXT`) extracts the Events API fields of JSON
  texts (DuckDB's JSON functions): the normalised wire columns of :mod:`.wire`, and for a
  plain record (the usual shape) whether its data is flat (``d_flat``, which also stands
  for the search of its text for three-digit exponents);
- the view ``jl_wire_typed`` (:data:`WIRE_TYPED`) finishes typed batches (CSV, Parquet):
  ``data`` given as JSON text is checked and minified, and when it came minified, searched
  once for what ``jl_lenient`` and ``jl_flat`` look for (``d_flat``);
- the table macro ``jl_rules`` (the last of :data:`MACROS`), over either view, is the rule
  list itself, the instants, canonical ``data`` and the derived event ids.

Where DuckDB's JSON differs from msgspec's (the Validator's parser), the record is sent to
the Validator: yyjson accepts trailing commas, NaN/Infinity and numbers that overflow a
double, writes some floats in another notation (≥ 1e16, or in [1e-6, 1e-5)) and control
characters as upper-case ``\\u00XX``. ``data`` is stored canonical (keys sorted at every
level, minified, as msgspec's ``order="sorted"`` writes it): a flat object whose keys are
already sorted is canonical once DuckDB minified it, one with unsorted keys is sorted here
(``jl_sorted``); nested objects and repeated keys by ``jl_canon``, the Validator's encoder
over msgspec's reading of the minified text (a Python function the Checker registers: in
SQL, nested data cost more CPU than the Validator, docs/performance.md). The derived id is the MD5 of the
canonical JSON array ``[userId, name, eventAt µs or null, data or null]`` — DuckDB's
``md5`` of the same bytes the Validator hashes.
"""

from __future__ import annotations

from journeylab.ingest.model import MAX_DATA_BYTES, MAX_EVENT_US, MAX_ID_CHARS, MIN_EVENT_US

__all__ = [
    "MACROS",
    "PARAMS",
    "RULES_TEXT",
    "RULES_TYPED",
    "SET_PARAM",
    "WIRE_TEXT",
    "WIRE_TYPED",
]

#: the regexes of the macros below, each written once (Python strings: the macros read them
#: from DuckDB variables, as the limits)
_TRAILING_COMMA = ",[ \\t\\n\\r]*[}\\]]"
_LONG_NUMBER = "[0-9]{300}"  # 300 digits in a row
_EXPONENT = "[eE][-+]?[0-9]{3}"  # a three-digit exponent: the number may overflow a double
#: JSON text DuckDB's reader accepts and msgspec refuses (or reads otherwise)
_LENIENT = "|".join(
    (_TRAILING_COMMA, "[:,\\[][ \\t\\n\\r]*-?[nNiI][aAnN]", "[0-9]" + _EXPONENT, _LONG_NUMBER)
)
#: numbers and escapes DuckDB writes otherwise than msgspec (>= 1e16, [1e-6, 1e-5), \\u00XX)
_WRITTEN_OTHERWISE = "[0-9]{17}\\.|0\\.00000[0-9]|\\\\u00"
#: minified data DuckDB does not write as msgspec does: an object in it (a brace past the
#: first character, in a string too), or what it writes otherwise
_NOT_FLAT = "(?s).\\{|" + _WRITTEN_OTHERWISE

#: the values the rules read (DuckDB variables, set with bound values; DuckDB folds each
#: into the expression that reads it when the statement is bound): the limits and regexes
PARAMS: dict[str, int | str] = {
    "jl_max_id": MAX_ID_CHARS,
    "jl_max_data": MAX_DATA_BYTES,
    "jl_min_us": MIN_EVENT_US,
    "jl_max_us": MAX_EVENT_US,
    "jl_re_trailing_comma": _TRAILING_COMMA,
    "jl_re_long_number": _LONG_NUMBER,
    "jl_re_exponent": _EXPONENT,
    "jl_re_lenient": _LENIENT,
    "jl_re_not_flat": _NOT_FLAT,
    "jl_re_odd": _LENIENT + "|" + _NOT_FLAT,
    "jl_re_not_flat_plain": _EXPONENT + "|" + _NOT_FLAT,
    "jl_re_not_canon": _EXPONENT + "|" + _WRITTEN_OTHERWISE,
}
SET_PARAM = {name: "SET VARIABLE " + name + " = $value" for name in PARAMS}

#: helpers, created once on the ingest's private connection
MACROS = (
    # the kind of a minified JSON value (null: absent or JSON null)
    "CREATE TEMP MACRO jl_kind(j) AS CASE WHEN j IS NULL OR j = 'null' THEN NULL "
    "WHEN starts_with(j, '\"') THEN 'string' WHEN starts_with(j, '{') THEN 'object' "
    "ELSE 'other' END",
    # the string a minified JSON string value holds
    "CREATE TEMP MACRO jl_str(j) AS CASE WHEN NOT starts_with(j, '\"') THEN NULL "
    "WHEN contains(j, '\\') THEN j->>'$' ELSE j[2:-2] END",
    # a field's share of a minified object's length: its key (``size`` characters with the
    # quotes its value needs) and its text j, with the quotes, colon and comma around
    "CREATE TEMP MACRO jl_entry(j, size) AS CASE WHEN j IS NULL THEN 0 ELSE size + 4 + strlen(j) END",
    # the kind of a field read as a string from a plain record
    "CREATE TEMP MACRO jl_present(v) AS CASE WHEN v IS NOT NULL THEN 'string' END",
    # JSON text DuckDB's reader accepts and msgspec refuses (or reads otherwise): trailing
    # commas, NaN and Infinity literals, numbers that overflow a double. One regex per
    # pattern, tried in turn: an alternation of them cost RE2 its literal prefix scan (twice
    # the time), and 300 digits in a row need 300 bytes (docs/performance.md, "Ingest").
    "CREATE TEMP MACRO jl_long_number(s) AS CASE WHEN strlen(s) < 300 THEN false "
    "ELSE regexp_matches(s, getvariable('jl_re_long_number')) END",
    "CREATE TEMP MACRO jl_trailing_comma(s) AS regexp_matches(s, getvariable('jl_re_trailing_comma'))",
    "CREATE TEMP MACRO jl_exponent(s) AS regexp_matches(s, getvariable('jl_re_exponent'))",
    # ... in a JSON text as it came (jl_wire_text and the importers check the lines)
    "CREATE TEMP MACRO jl_lenient_text(s) AS CASE WHEN jl_trailing_comma(s) THEN true "
    "WHEN jl_exponent(s) THEN true ELSE jl_long_number(s) END",
    # ... in typed data given as JSON text (short: one regex costs less than four)
    "CREATE TEMP MACRO jl_lenient(s) AS regexp_matches(s, getvariable('jl_re_lenient'))",
    # RFC 3339 as parse_rfc3339 reads it → µs (null: not that shape, not a real date)
    "CREATE TEMP MACRO jl_instant(a) AS CASE WHEN regexp_full_match(a, "
    "'[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    "(\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?') AND NOT starts_with(a, '0000') "
    "THEN epoch_us(try_cast(CASE WHEN contains(a, 't') OR contains(a, 'z') THEN upper(a) "
    "ELSE a END AS TIMESTAMPTZ)) END",
    # ... the shape JavaScript's toISOString writes (24 characters, milliseconds, Z), proven
    # by writing the instant back: half the time of the regex (docs/performance.md "Ingest");
    # ts is the text cast to TIMESTAMP (null: not 24 characters, not a date)
    "CREATE TEMP MACRO jl_instant_ms(a, ts) AS CASE WHEN "
    "strftime(ts, '%Y-%m-%dT%H:%M:%S.%gZ') = a AND NOT starts_with(a, '0000') "
    "THEN epoch_us(ts) END",
    # minified data DuckDB writes as msgspec does: no nested object, no float in another
    # notation (>= 1e16, [1e-6, 1e-5)), no \\u00XX escape
    "CREATE TEMP MACRO jl_flat(d) AS NOT regexp_matches(d, getvariable('jl_re_not_flat'))",
    # typed data given as minified JSON text: what jl_lenient or NOT jl_flat would find,
    # in one pass (both send the record to the Validator): 62 ms against 126 for 500k
    # records, one RE2 pass whatever the alternatives (docs/performance.md, "Ingest")
    "CREATE TEMP MACRO jl_odd(d) AS regexp_matches(d, getvariable('jl_re_odd'))",
    # the data of a plain JSON lines record (numbers are only there): jl_flat and a
    # three-digit exponent, which the record's text is then not searched for (DuckDB keeps
    # a number that overflows a double as it was written)
    "CREATE TEMP MACRO jl_flat_plain(d) AS NOT regexp_matches(d, getvariable('jl_re_not_flat_plain'))",
    # data the flat rules leave (an object in it, a key twice) that jl_canon can make
    # canonical: nothing DuckDB writes otherwise than msgspec, no three-digit exponent
    "CREATE TEMP MACRO jl_canon_ready(d) AS NOT regexp_matches(d, getvariable('jl_re_not_canon'))",
    # keys in strictly increasing byte order (sorted, each once)
    "CREATE TEMP MACRO jl_increasing(k) AS CASE len(k) WHEN 0 THEN true WHEN 1 THEN true "
    "WHEN 2 THEN k[1] < k[2] WHEN 3 THEN k[1] < k[2] AND k[2] < k[3] "
    "WHEN 4 THEN k[1] < k[2] AND k[2] < k[3] AND k[3] < k[4] "
    "ELSE list_bool_and(list_transform(range(1, len(k)), lambda i: k[i] < k[i + 1])) END",
    # a flat object with its keys sorted (its keys distinct): canonical data — its keys
    # zipped with its values (both in document order), sorted, written. Read as a MAP, it
    # cost twice the time: 750 ms against 420 for 500k objects of three unsorted keys (and
    # the keys already at hand, passed in, cost more: docs/performance.md, "Ingest")
    "CREATE TEMP MACRO jl_sorted(d) AS '{' || array_to_string(list_transform(list_sort("
    "list_zip(json_keys(d), json_extract(d, '$.*')::VARCHAR[])), "
    "lambda e: to_json(e[1]) || ':' || e[2]), ',') || '}'",
    # the rules over normalised wire columns (a view: jl_wire_text or jl_wire_typed)
    "CREATE TEMP MACRO jl_rules(wire) AS TABLE "
    "WITH s AS (SELECT *, CASE WHEN a_t = 'string' AND strlen(a) = 24 "
    "THEN try_cast(a AS TIMESTAMP) END AS a_ts FROM query_table(wire)), "
    "m AS (SELECT *, jl_instant_ms(a, a_ts) AS a_ms FROM s), "
    # toISOString's shape ends in Z: not naive, no regex needed
    "t AS (SELECT *, CASE WHEN a_t = 'string' THEN coalesce(a_ms, jl_instant(a)) "
    "ELSE a_us END AS at_us, "
    "CASE WHEN a_t IS DISTINCT FROM 'string' THEN coalesce(a_naive, false) "
    "WHEN a_ms IS NOT NULL THEN false "
    "ELSE NOT regexp_matches(a, '([Zz]|[+-][0-9]{2}:[0-9]{2})$') END AS naive, "
    # d_flat: the wire view's answer when it has one
    "CASE WHEN d_t = 'object' AND CASE WHEN d_flat IS NOT NULL THEN d_flat "
    "ELSE jl_flat(d) END THEN json_keys(d) END AS dk FROM m), "
    # the rest (nested, or a key given twice) by the Validator's encoder, the Python
    # function jl_canon: each record's data decoded and written with its keys sorted
    "c AS (SELECT *, CASE WHEN dk IS NOT NULL AND jl_increasing(dk) THEN d "
    "WHEN dk IS NOT NULL AND len(list_distinct(dk)) = len(dk) THEN jl_sorted(d) "
    "WHEN d_t = 'object' AND pre IS NULL AND jl_canon_ready(d) THEN jl_canon(d) "
    "END AS canon FROM t), "
    # what the derived id hashes: the canonical JSON array [userId, name, eventAt, data]
    # (json_array writes what to_json of each value joined by commas would, in half the time)
    "h AS (SELECT *, CASE WHEN e_t IS NULL THEN json_array(u, n, at_us, canon)::VARCHAR "
    "END AS payload FROM c), "
    "r AS (SELECT *, CASE "
    "WHEN pre IS NOT NULL THEN pre "
    "WHEN u_t IS NULL THEN 'missing_user_id' "
    "WHEN u_t <> 'string' OR length(u) NOT BETWEEN 1 AND getvariable('jl_max_id') "
    "THEN 'invalid_user_id' "
    "WHEN n_t IS NULL THEN 'missing_name' "
    "WHEN n_t <> 'string' OR length(n) NOT BETWEEN 1 AND getvariable('jl_max_id') "
    "THEN 'invalid_name' "
    "WHEN a_t IS NOT NULL AND (at_us IS NULL "
    "OR at_us NOT BETWEEN getvariable('jl_min_us') AND getvariable('jl_max_us')) "
    "THEN 'invalid_event_at' "
    "WHEN d_t IS NOT NULL AND d_t <> 'object' THEN 'invalid_data' "
    "WHEN d_t = 'object' AND canon IS NULL THEN 'check' "
    "WHEN strlen(canon) > getvariable('jl_max_data') THEN 'data_too_large' "
    "WHEN e_t IS NOT NULL AND (e_t <> 'string' OR length(e) NOT BETWEEN 1 AND "
    "getvariable('jl_max_id')) THEN 'invalid_event_id' "
    # a control character in userId or name: DuckDB writes its escape in upper case
    "WHEN contains(payload, '\\u00') THEN 'check' END AS reason FROM h) "
    "SELECT rn, reason, u AS user_id, n AS name, coalesce(at_us, recv) AS event_at, "
    "recv AS received_at, naive, canon AS data, "
    "CASE WHEN reason IS NOT NULL THEN NULL WHEN e_t IS NOT NULL THEN e ELSE md5(payload) "
    "END AS event_id, unknown, unknown_keys FROM r",
)

#: the Events API fields of JSON texts (table jl_text: rn, text, recv). DuckDB minifies the
#: text as it validates it and reads the fields as strings (a number as its text). A
#: *plain* record — minified without a backslash, exactly as long as its fields written as
#: JSON strings (data as it is) — has no other key, none twice, and a string wherever the
#: Events API wants one; the others have their fields' kinds and their keys read again.
WIRE_TEXT = (
    "CREATE TEMP VIEW jl_wire_text AS "
    "WITH p AS (SELECT rn, recv, text, "
    "CASE WHEN json_valid(text) THEN json(text)::VARCHAR END AS m FROM jl_text), "
    "q AS (SELECT *, CASE WHEN starts_with(m, '{') THEN json_transform(m, "
    '\'{"userId":"VARCHAR","name":"VARCHAR","eventAt":"VARCHAR","data":"JSON",'
    '"eventId":"VARCHAR"}\') END AS f FROM p), '
    "v AS (SELECT rn, recv, text, m, f.userId AS u, f.name AS n, f.eventAt AS a, "
    "f.data::VARCHAR AS d, f.eventId AS e FROM q), "
    "w AS (SELECT *, NOT contains(m, '\\') AND strlen(m) = 1 + greatest(1, jl_entry(u, 8) "
    "+ jl_entry(n, 6) + jl_entry(a, 9) + jl_entry(d, 4) + jl_entry(e, 9)) AS plain FROM v), "
    "k AS (SELECT *, CASE WHEN NOT plain AND starts_with(m, '{') THEN json_transform(m, "
    '\'{"userId":"JSON","name":"JSON","eventAt":"JSON","eventId":"JSON"}\') END AS j, '
    "CASE WHEN NOT plain AND starts_with(m, '{') THEN json_keys(m) END AS keys FROM w), "
    # the keys that are not Events API fields (a plain record has none)
    "o AS (SELECT *, CASE WHEN NOT plain THEN list_filter(keys, "
    "lambda x: x NOT IN ('userId', 'name', 'eventAt', 'data', 'eventId')) END AS extra, "
    "CASE WHEN plain AND starts_with(d, '{') THEN jl_flat_plain(d) END AS d_flat FROM k) "
    "SELECT rn, recv, "
    "CASE WHEN m IS NULL THEN 'invalid_json' "
    "WHEN jl_trailing_comma(text) OR jl_long_number(text) OR contains(m, 'NaN') "
    "OR contains(m, 'Infinity') THEN 'check' "
    # a plain record's numbers are all in its data: searched for the exponent there, by
    # jl_flat_plain's regex for an object (again alone when it matched), before the rules
    # of the fields (msgspec refuses the whole text first: invalid_json)
    "WHEN plain IS NOT true AND jl_exponent(text) THEN 'check' "
    "WHEN plain AND d IS NOT NULL AND d_flat IS NOT true AND jl_exponent(d) THEN 'check' "
    "WHEN NOT starts_with(m, '{') THEN 'not_an_object' "
    "WHEN plain THEN NULL "
    "WHEN len(keys) <> len(list_distinct(keys)) THEN 'check' END AS pre, "
    "CASE WHEN plain THEN jl_present(u) ELSE jl_kind(j.userId::VARCHAR) END AS u_t, "
    "CASE WHEN plain THEN u ELSE jl_str(j.userId::VARCHAR) END AS u, "
    "CASE WHEN plain THEN jl_present(n) ELSE jl_kind(j.name::VARCHAR) END AS n_t, "
    "CASE WHEN plain THEN n ELSE jl_str(j.name::VARCHAR) END AS n, "
    "CASE WHEN plain THEN jl_present(a) ELSE jl_kind(j.eventAt::VARCHAR) END AS a_t, "
    "CASE WHEN plain THEN a ELSE jl_str(j.eventAt::VARCHAR) END AS a, "
    "NULL::BIGINT AS a_us, NULL::BOOLEAN AS a_naive, jl_kind(d) AS d_t, d, "
    "d_flat, CASE WHEN plain THEN jl_present(e) ELSE jl_kind(j.eventId::VARCHAR) END AS e_t, "
    "CASE WHEN plain THEN e ELSE jl_str(j.eventId::VARCHAR) END AS e, "
    "CASE WHEN plain THEN 0 ELSE len(extra) END AS unknown, extra AS unknown_keys FROM o"
)

#: typed batches (table jl_typed, the TYPED schema of .wire): data given as JSON text is
#: checked (its reader's reason, d_bad, when it is not JSON) and minified
WIRE_TYPED = (
    "CREATE TEMP VIEW jl_wire_typed AS "
    "WITH p AS (SELECT *, CASE WHEN d_t = 'text' THEN json_valid(d) END AS d_ok FROM jl_typed), "
    "q AS (SELECT *, CASE WHEN d_ok THEN json(d)::VARCHAR END AS dm FROM p), "
    # data given minified (the usual case): one regex for jl_lenient and jl_flat
    "r AS (SELECT *, CASE WHEN dm = d THEN jl_odd(d) END AS odd FROM q) "
    "SELECT rn, recv, "
    "coalesce(pre, CASE WHEN d_t = 'text' AND NOT d_ok THEN d_bad "
    # lenient JSON, searched for when jl_odd found something or did not run (data given
    # spaced); odd for an object in it only goes on to jl_canon (d_flat false)
    "WHEN d_t = 'text' AND odd IS NOT false AND jl_lenient(d) THEN 'check' END) AS pre, "
    "u_t, u, n_t, n, a_t, a, a_us, a_naive, "
    "CASE WHEN d_t = 'text' AND d_ok THEN jl_kind(dm) ELSE d_t END AS d_t, "
    "CASE WHEN d_t = 'text' AND d_ok THEN dm ELSE d END AS d, "
    "NOT odd AS d_flat, e_t, e, unknown, NULL::VARCHAR[] AS unknown_keys FROM r"
)

#: the whole pass over a text batch and over a typed one; a typed batch's userId and name
#: are the wire's own ``u`` and ``n`` (the Checker takes them there: copying them out of
#: DuckDB cost 5% of the pass, docs/performance.md)
RULES_TEXT = "SELECT * FROM jl_rules('jl_wire_text')"
RULES_TYPED = (
    "SELECT rn, reason, event_at, received_at, naive, data, event_id, unknown "
    "FROM jl_rules('jl_wire_typed')"
)
