"""The CLI bad-input cases: one entry per command (tests/test_cli_bad_input.py runs them).

To cover a new command, add ``"NAME": [...]`` below; a registered command without an entry
fails ``test_every_command_has_cases``. Every command also gets an unknown-flag case for
free. Each case is ``(label, args, needles)``: the command's arguments after its name, and
strings that must all appear in its one ``error:`` line (name the parameter and the value).
Placeholders in ``args`` are filled by the runner:

- ``{lake}``: a small real lake; ``{new}``: a path that does not exist yet (a refused
  ``ingest --lake {new}`` still creates an empty lake there: ``report`` writes to
  ``{new}.html``)
- ``{missing}``: a path that does not exist; ``{file}``: a text file (where a folder is
  expected); ``{dir}``: a non-empty folder that is not a lake (where a file is expected)
- ``{unreadable}``: a file that cannot be read (mode 000; a FIFO when running as root, where
  permissions do not stop reads: a FIFO must be refused without being opened)
- ``{events}``: a good JSON-lines file; ``{html}``: an HTML page named ``.jsonl``;
  ``{spec}``: a good offer YAML; ``{notyaml}``: a file that is not YAML; ``{expect}``: a good
  expect file; ``{spend}``: a good spend CSV
"""

from __future__ import annotations

Case = tuple[str, list[str], tuple[str, ...]]


def lake_cases(*args: str) -> list[Case]:
    """The ``--lake`` cases of a command whose other arguments are ``args``."""
    return [
        ("missing lake", [*args, "--lake", "{missing}"], ("{missing}", "does not exist", "init")),
        ("file as lake", [*args, "--lake", "{file}"], ("{file}", "is a file")),
        ("folder not a lake", [*args, "--lake", "{dir}"], ("{dir}", "not a journeylab lake")),
        ("unreadable lake", [*args, "--lake", "{unreadable}"], ("{unreadable}", "lake")),
    ]


def spec_cases(*args: str, param: str = "SPEC") -> list[Case]:
    """The cases of a command reading a program file (``{x}`` marks where it goes)."""

    def put(value: str) -> list[str]:
        return [value if a == "{x}" else a for a in args]

    return [
        (f"missing {param}", put("{missing}"), (param, "{missing}", "does not exist")),
        (f"folder as {param}", put("{dir}"), (param, "{dir}", "is a folder")),
        (f"unreadable {param}", put("{unreadable}"), (param, "{unreadable}")),
        (f"{param} not YAML", put("{notyaml}"), ("{notyaml}",)),
    ]


BAD_TIMES = [
    ("bad --from", ["--from", "soon"], ("--from", "'soon'", "ISO 8601")),
    ("bad --as-of", ["--as-of", "2025-13-01"], ("--as-of", "'2025-13-01'")),
    ("--to before --from", ["--from", "2025-02-01", "--to", "2025-01-01"], ("--to", "after")),
]


def with_times(*args: str) -> list[Case]:
    return [(label, [*args, *extra], needles) for label, extra, needles in BAD_TIMES]


def engine_cases(*args: str) -> list[Case]:
    """The engine options' cases of an analysis command whose other arguments are ``args``
    (all fail before any Spark starts)."""
    return [
        ("bad --engine", [*args, "--engine", "sparkk"], ("--engine", "'sparkk'", "'pyspark'")),
        (
            "--spark-remote not sc://",
            [*args, "--spark-remote", "http://h:1"],
            ("--spark-remote", "'http://h:1'", "sc://"),
        ),
        (
            "--spark-remote with no server",
            [*args, "--spark-remote", "sc://127.0.0.1:9"],
            ("--spark-remote", "127.0.0.1:9", "No Spark Connect server"),
        ),
        (
            "--spark-conf without Spark",
            [*args, "--spark-conf", "a=b"],
            ("--spark-conf", "'a=b'", "--engine pyspark"),
        ),
        (
            "--spark-conf not KEY=VALUE",
            [*args, "--engine", "pyspark", "--spark-conf", "oops"],
            ("--spark-conf", "'oops'", "KEY=VALUE"),
        ),
        (
            "--engine duckdb with --spark-remote",
            [*args, "--engine", "duckdb", "--spark-remote", "sc://h:1"],
            ("--spark-remote", "'sc://h:1'", "--engine duckdb"),
        ),
    ]


CASES: dict[str, list[Case]] = {
    "init": [
        ("file as folder", ["{file}"], ("{file}", "is a file")),
        ("non-empty folder", ["{dir}"], ("{dir}", "not a journeylab lake", "not empty")),
        ("unreadable", ["{unreadable}"], ("{unreadable}",)),
    ],
    "ingest": [
        ("missing file", ["{missing}", "--lake", "{new}"], ("PATH", "{missing}", "not exist")),
        ("folder as file", ["{dir}", "--lake", "{new}"], ("PATH", "{dir}", "is a folder")),
        ("unreadable file", ["{unreadable}", "--lake", "{new}"], ("PATH", "{unreadable}")),
        ("html as jsonl", ["{html}", "--lake", "{new}"], ("{html}", "HTML")),
        ("file as lake", ["{events}", "--lake", "{file}"], ("lake", "{file}", "is a file")),
        ("non-lake folder", ["{events}", "--lake", "{dir}"], ("{dir}", "not empty")),
        ("bad --format", ["{events}", "--lake", "{new}", "--format", "xml"], ("'xml'", "jsonl")),
        (
            "--timezone without mixpanel",
            ["{events}", "--lake", "{new}", "--timezone", "UTC"],
            ("--timezone", "'UTC'", "Mixpanel"),
        ),
        (
            "unknown --timezone",
            ["{events}", "--lake", "{new}", "--format", "mixpanel", "--timezone", "Mars/Base"],
            ("--timezone", "'Mars/Base'", "IANA"),
        ),
        (
            "lake URI",
            ["{events}", "--lake", "s3a://bucket/lake"],
            ("lake", "'s3a://bucket/lake'", "local lake folders only"),
        ),
        ("no file", ["--lake", "{new}"], ("Missing argument", "paths")),
        ("bad --threads", ["{events}", "--lake", "{new}", "--threads", "0"], ("--threads",)),
        (
            "bad --memory-limit",
            ["{events}", "--lake", "{new}", "--memory-limit", "lots"],
            ("memory_limit", "'lots'", "1GB"),
        ),
    ],
    "catalog": [*lake_cases(), *engine_cases("--lake", "{lake}")],
    "declare": [
        *lake_cases("signup"),
        ("empty name", ["", "--lake", "{lake}"], ("name", "''", "non-empty")),
    ],
    "compact": [
        *lake_cases(),
        ("bad --file-rows", ["--lake", "{lake}", "--file-rows", "0"], ("--file-rows", "1")),
        (
            "bad --memory-limit",
            ["--lake", "{lake}", "--memory-limit", "100"],
            ("memory_limit", "'100'", "1GB"),
        ),
    ],
    "sample": [
        ("file as --out", ["--out", "{file}", "--users", "10"], ("--out", "{file}", "folder")),
        ("bad --users", ["--out", "{new}", "--users", "many"], ("--users", "integer")),
        ("bad --from", ["--out", "{new}", "--from", "May 1"], ("--from", "'May 1'", "YYYY")),
        ("too few --days", ["--out", "{new}", "--days", "3"], ("days", "3", "15")),
    ],
    "backtest": [
        *spec_cases("{x}", "--lake", "{lake}"),
        *lake_cases("{spec}"),
        *with_times("{spec}", "--lake", "{lake}"),
        *engine_cases("{spec}", "--lake", "{lake}"),
    ],
    "explain": [
        *spec_cases("{x}", "--lake", "{lake}", "--user", "u1"),
        *lake_cases("{spec}", "--user", "u1"),
        *with_times("{spec}", "--lake", "{lake}", "--user", "u1"),
        ("no --user", ["{spec}", "--lake", "{lake}"], ("Missing option", "--user")),
        ("empty --user", ["{spec}", "--lake", "{lake}", "--user", ""], ("user_id", "''")),
        *engine_cases("{spec}", "--lake", "{lake}", "--user", "u1"),
    ],
    "check": [
        *spec_cases("{x}", "--lake", "{lake}", "--expect", "{expect}"),
        *lake_cases("{spec}", "--expect", "{expect}"),
        *spec_cases("{spec}", "--lake", "{lake}", "--expect", "{x}", param="--expect"),
        *engine_cases("{spec}", "--lake", "{lake}", "--expect", "{expect}"),
    ],
    "compare": [
        *spec_cases("{spec}", "{x}", "--lake", "{lake}"),
        *lake_cases("{spec}", "{spec}"),
        *with_times("{spec}", "{spec}", "--lake", "{lake}"),
        *engine_cases("{spec}", "{spec}", "--lake", "{lake}"),
    ],
    "schema": [
        ("extra argument", ["offer.yaml"], ("unexpected extra argument", "offer.yaml")),
    ],
    "activation": [
        *lake_cases("--activation", "buy=purchase"),
        *with_times("--lake", "{lake}", "--activation", "buy=purchase"),
        ("bad --activation", ["--lake", "{lake}", "--activation", "=x"], ("--activation", "'=x'")),
        (
            "missing --spend",
            ["--lake", "{lake}", "--activation", "buy=purchase", "--spend", "{missing}"],
            ("--spend", "{missing}", "does not exist"),
        ),
        (
            "folder as --spend",
            ["--lake", "{lake}", "--activation", "buy=purchase", "--spend", "{dir}"],
            ("--spend", "{dir}", "is a folder"),
        ),
        (
            "unreadable --spend",
            ["--lake", "{lake}", "--activation", "buy=purchase", "--spend", "{unreadable}"],
            ("--spend", "{unreadable}"),
        ),
        (
            "bad --within",
            ["--lake", "{lake}", "--activation", "buy=purchase", "--within", "soon"],
            ("within", "'soon'", "7d"),
        ),
        (
            "bad --retained-period",
            ["--lake", "{lake}", "--activation", "buy=purchase", "--retained-period", "year"],
            ("period", "'year'", "'week'"),
        ),
        (
            "bad --retained-mode",
            [
                "--lake",
                "{lake}",
                "--activation",
                "buy=purchase",
                "--retained-period",
                "week",
                "--retained-mode",
                "after",
            ],
            ("mode", "'after'", "'on'"),
        ),
        (
            "strict --returning typo",
            [
                "--lake",
                "{lake}",
                "--activation",
                "buy=purchase",
                "--retained-period",
                "week",
                "--returning",
                "purchse",
                "--strict",
            ],
            ("purchse", "nearest: 'purchase'", "strict"),
        ),
        *engine_cases("--lake", "{lake}", "--activation", "buy=purchase"),
    ],
    "serve": [  # each is refused before anything binds (a case never starts a server)
        ("file as lake", ["--lake", "{file}"], ("lake", "{file}", "is a file")),
        ("non-lake folder", ["--lake", "{dir}"], ("{dir}", "not empty")),
        (
            "open address, no key",
            ["--lake", "{new}", "--host", "0.0.0.0"],
            ("--host", "'0.0.0.0'", "not a loopback", "--write-key"),
        ),
        ("bad --port", ["--lake", "{new}", "--port", "70000"], ("--port", "70000", "65535")),
        ("short key", ["--lake", "{new}", "--write-key", "abc"], ("--write-key", "8 to 256")),
        (
            "bad --cors-origin",
            ["--lake", "{new}", "--cors-origin", "ftp://x"],
            ("--cors-origin", "'ftp://x'", "http://"),
        ),
        ("bad --flush-seconds", ["--lake", "{new}", "--flush-seconds", "0"], ("--flush-seconds",)),
    ],
    "funnel": [
        *lake_cases("--steps", "signup,purchase"),
        *with_times("--lake", "{lake}", "--steps", "signup,purchase"),
        ("one step", ["--lake", "{lake}", "--steps", "signup"], ("steps", "at least 2")),
        (
            "bad --order",
            ["--lake", "{lake}", "--steps", "signup,purchase", "--order", "sideways"],
            ("order", "'sideways'", "'ordered'"),
        ),
        (
            "huge --within",
            ["--lake", "{lake}", "--steps", "signup,purchase", "--within", "99999999999d"],
            ("within", "'99999999999d'", "at most"),
        ),
        (
            "strict typo",
            ["--lake", "{lake}", "--steps", "signup,purchse", "--strict"],
            ("purchse", "nearest: 'purchase'", "strict"),
        ),
        *engine_cases("--lake", "{lake}", "--steps", "signup,purchase"),
        (
            "lake URI without Spark",
            ["--lake", "s3a://bucket/lake", "--steps", "signup,purchase"],
            ("lake", "'s3a://bucket/lake'", "--engine pyspark"),
        ),
    ],
    "paths": [
        *lake_cases("--start", "signup"),
        *with_times("--lake", "{lake}", "--start", "signup"),
        ("no anchor", ["--lake", "{lake}"], ("start", "end", "between")),
        ("bad --between", ["--lake", "{lake}", "--between", "signup"], ("--between", "'signup'")),
        (
            "bad --depth",
            ["--lake", "{lake}", "--start", "signup", "--depth", "deep"],
            ("--depth", "'deep'", "all"),
        ),
        (
            "bad --session-gap",
            ["--lake", "{lake}", "--start", "signup", "--session-gap", "soon"],
            ("session_gap", "'soon'"),
        ),
        (
            "bad --group",
            ["--lake", "{lake}", "--start", "signup", "--group", "page_"],
            ("--group", "'page_'", "REGEX=ALIAS"),
        ),
        (
            "bad --occurrence",
            ["--lake", "{lake}", "--start", "signup", "--occurrence", "all"],
            ("occurrence", "'all'", "'first'"),
        ),
        (
            "strict typo",
            ["--lake", "{lake}", "--start", "sigup", "--strict"],
            ("sigup", "nearest: 'signup'", "strict"),
        ),
    ],
    "transitions": [
        *lake_cases(),
        *with_times("--lake", "{lake}"),
        ("bad --within", ["--lake", "{lake}", "--within", "soon"], ("within", "'soon'")),
        (
            "strict typo",
            ["--lake", "{lake}", "--names", "signup,purchse", "--strict"],
            ("purchse", "nearest: 'purchase'", "strict"),
        ),
    ],
    "retention": [
        *lake_cases(),
        *with_times("--lake", "{lake}"),
        ("bad --period", ["--lake", "{lake}", "--period", "year"], ("period", "'year'", "'week'")),
        ("bad --periods", ["--lake", "{lake}", "--periods", "-1"], ("periods", "-1")),
        ("bad --mode", ["--lake", "{lake}", "--mode", "after"], ("mode", "'after'", "'on'")),
        (
            "bad --windows",
            ["--lake", "{lake}", "--windows", "sliding"],
            ("windows", "'sliding'", "'calendar'"),
        ),
        (
            "bad --timezone",
            ["--lake", "{lake}", "--timezone", "Mars/Olympus"],
            ("timezone", "'Mars/Olympus'"),
        ),
        (
            "bad --week-start",
            ["--lake", "{lake}", "--week-start", "funday"],
            ("week_start", "'funday'", "monday"),
        ),
        (
            "strict typo",
            ["--lake", "{lake}", "--returning", "purchse", "--strict"],
            ("purchse", "nearest: 'purchase'", "strict"),
        ),
    ],
    "lifecycle": [
        *lake_cases(),
        *with_times("--lake", "{lake}"),
        ("bad --period", ["--lake", "{lake}", "--period", "hour"], ("period", "'hour'", "'day'")),
        (
            "strict typo",
            ["--lake", "{lake}", "--active", "purchse", "--strict"],
            ("purchse", "nearest: 'purchase'", "strict"),
        ),
    ],
    "timeline": [
        *lake_cases("u1"),
        *with_times("u1", "--lake", "{lake}"),
        ("no user", ["--lake", "{lake}"], ("Missing argument", "user_id")),
        ("empty user", ["", "--lake", "{lake}"], ("user_id", "''")),
        (
            "bad --session-gap",
            ["u1", "--lake", "{lake}", "--session-gap", "-5m"],
            ("session_gap", "'-5m'"),
        ),
    ],
    "report": [
        *lake_cases("--out", "{new}.html"),
        *with_times("--lake", "{lake}", "--out", "{new}.html"),
        ("folder as --out", ["--lake", "{lake}", "--out", "{dir}"], ("--out", "{dir}", "folder")),
        (
            "missing --offer",
            ["--lake", "{lake}", "--out", "{new}.html", "--offer", "{missing}"],
            ("{missing}", "does not exist"),
        ),
        (
            "bad --activation",
            ["--lake", "{lake}", "--out", "{new}.html", "--activation", "=x"],
            ("activation", "'=x'"),
        ),
        (
            "strict typo",
            ["--lake", "{lake}", "--out", "{new}.html", "--activation", "b=purchse", "--strict"],
            ("purchse", "nearest: 'purchase'", "strict"),
        ),
        (
            "bad --retained-period",
            ["--lake", "{lake}", "--out", "{new}.html", "--retained-period", "year"],
            ("period", "'year'", "'week'"),
        ),
        *engine_cases("--lake", "{lake}", "--out", "{new}.html"),
    ],
}
