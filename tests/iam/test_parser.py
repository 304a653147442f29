"""Policy grammar: what the parser accepts, what it rejects, and where it says the problem is."""

from __future__ import annotations

import json

import pytest

from srm_trainer.iam import PolicyError, parse_policy
from srm_trainer.iam.model import Policy
from srm_trainer.iam.parser import MAX_NESTING, MAX_POLICY_CHARS, MAX_STATEMENTS


def _stmt(**extra):
    st = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    st.update(extra)
    return st


def _policy(*statements, **top):
    doc = {"Version": "2012-10-17", "Statement": list(statements) or [_stmt()]}
    doc.update(top)
    return doc


def _error(source, **kw) -> PolicyError:
    with pytest.raises(PolicyError) as info:
        parse_policy(source, **kw)
    return info.value


# --------------------------------------------------------------------------- accepted forms


def test_it_accepts_a_string_or_a_list_for_action_and_resource():
    single = parse_policy(_policy(_stmt()))
    listed = parse_policy(_policy(_stmt(Action=["s3:GetObject", "s3:List*"], Resource=["*"])))
    assert single.statements[0].action.texts == ("s3:GetObject",)
    assert listed.statements[0].action.texts == ("s3:GetObject", "s3:List*")
    assert listed.statements[0].resource.texts == ("*",)


def test_it_accepts_a_single_statement_object_and_names_its_path_statement():
    policy = parse_policy({"Version": "2012-10-17", "Statement": _stmt(Sid="One")})
    assert len(policy.statements) == 1
    assert policy.statements[0].path == "Statement"
    assert policy.statements[0].sid == "One"


def test_sid_is_optional():
    assert parse_policy(_policy(_stmt())).statements[0].sid is None


def test_it_accepts_both_versions_and_only_2012_substitutes_variables():
    assert parse_policy(_policy()).variables is True
    old = parse_policy(_policy(Version="2008-10-17"))
    assert old.version == "2008-10-17" and old.variables is False
    missing = parse_policy({"Statement": [_stmt()]})
    assert missing.version is None and missing.variables is False


@pytest.mark.parametrize(
    ("principal", "forms"),
    [
        ("*", ["everyone"]),
        ({"AWS": "*"}, ["everyone"]),
        ({"AWS": "111122223333"}, ["account"]),
        (
            {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/a"]},
            ["account", "user"],
        ),
        ({"AWS": "arn:aws:iam::111122223333:role/path/r"}, ["role"]),
        ({"AWS": "arn:aws:sts::111122223333:assumed-role/r/s"}, ["assumed_role"]),
        ({"AWS": "arn:aws:sts::111122223333:federated-user/f"}, ["federated_user"]),
        ({"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]}, ["service", "service"]),
        ({"Federated": "cognito-identity.amazonaws.com"}, ["federated"]),
        ({"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"}, ["canonical_user"]),
    ],
)
def test_it_accepts_every_principal_form_in_a_resource_policy(principal, forms):
    policy = parse_policy(_policy(_stmt(Principal=principal)), kind="resource")
    assert [e.form for e in policy.statements[0].principal.entries] == forms


def test_it_accepts_notprincipal_notaction_and_notresource():
    st = parse_policy(
        _policy(
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
                "NotAction": "s3:Get*",
                "NotResource": "arn:aws:s3:::b/*",
            }
        ),
        kind="resource",
    ).statements[0]
    assert st.principal.negated and st.action.negated and st.resource.negated


def test_a_resource_policy_may_omit_resource_like_a_trust_policy_does():
    st = parse_policy(
        _policy(
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ),
        kind="resource",
    ).statements[0]
    assert st.resource is None


def test_it_parses_text_and_records_each_statements_line():
    text = (
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n'
        '    {"Effect": "Allow", "Action": "*", "Resource": "*"},\n\n'
        '    {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}\n  ]\n}'
    )
    policy = parse_policy(text)
    assert [st.line for st in policy.statements] == [4, 6]
    assert policy.text == text


def test_statement_positions_follow_crlf_tabs_and_the_last_statement_key():
    """Where a valid policy's statements start is noted as its text is decoded (no full
    position scan): CRLF line ends, tabs, a key repeated (JSON keeps the last value)."""
    text = (
        '{"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"},\r\n'
        '\t"Statement" :\r\n\t[ {"Effect": "Allow", "Action": "*", "Resource": "*"},\r\n'
        '\t\t{"Effect": "Deny", "Action": "iam:*", "Resource": "*"} ] }'
    )
    policy = parse_policy(text)
    assert [(st.effect, st.line, st.column) for st in policy.statements] == [
        ("Allow", 3, 4),
        ("Deny", 4, 3),
    ]
    single = parse_policy(
        '\n\n  {"Statement":\n   {"Effect": "Allow", "Action": "*", "Resource": "*"}}'
    )
    assert (single.statements[0].path, single.statements[0].line) == ("Statement", 4)
    assert single.statements[0].column == 4


@pytest.fixture
def cache_in_use():
    """Caching as a fresh process does: what ran before in this worker (hundreds of policies
    seen once) may have made the cache of dict policies step aside."""
    from srm_trainer.iam import parser

    parser.clear_cache()
    yield
    parser.clear_cache()


def test_parsed_policies_are_cached_by_content(cache_in_use):
    doc = _policy(_stmt(Sid="Cached"))
    assert parse_policy(doc) is parse_policy(json.loads(json.dumps(doc)))
    assert parse_policy(doc, kind="boundary") is not parse_policy(doc)
    assert isinstance(parse_policy(doc), Policy)


def test_the_cache_key_depends_on_content_not_on_which_objects_are_shared(cache_in_use):
    # Python literals share interned strings; json.loads shares keys only: same content.
    shared = "s3:GetObject"
    doc = _policy(_stmt(Sid="Shared", Action=[shared, shared]), _stmt(Action=shared))
    loaded = json.loads(json.dumps(doc))
    assert parse_policy(doc) is parse_policy(loaded)
    assert parse_policy(doc) is parse_policy(doc)  # parsing did not change the key
    assert parse_policy(_policy(_stmt(Sid="Shared", Action=[shared, "s3:PutObject"]))) is not (
        parse_policy(doc)
    )
    # True and 1 are equal in Python but not the same JSON: not the same policy
    bool_doc = _policy(_stmt(Condition={"Bool": {"aws:SecureTransport": True}}))
    int_doc = _policy(_stmt(Condition={"Bool": {"aws:SecureTransport": 1}}))
    assert parse_policy(bool_doc) is not parse_policy(int_doc)


def test_a_policy_whose_content_key_failed_leaves_the_next_keys_intact(cache_in_use):
    # The pickler writes its bytes into a list; a dump cut short by an error must not leave a
    # part behind, or the next policy's key would carry it and miss its cache entry.
    class Unpicklable:
        def __reduce__(self):
            raise KeyError("no")

    big = _policy(*[_stmt(Sid=f"S{i}", Resource="arn:aws:s3:::" + "b" * 200) for i in range(400)])
    big["Statement"].append(Unpicklable())  # after the first 64 KB frame has been written
    with pytest.raises(KeyError):
        parse_policy(big)
    doc = _policy(_stmt(Sid="AfterFailure"))
    assert parse_policy(doc) is parse_policy(json.loads(json.dumps(doc)))


def test_an_unchanged_statement_is_validated_once_and_keeps_its_own_line_in_text():
    from srm_trainer.iam import parser

    parser.clear_cache()
    first = parse_policy(_policy(_stmt(Sid="A"), _stmt(Sid="B")))
    edited = parse_policy(_policy(_stmt(Sid="A2"), _stmt(Sid="B")))
    assert edited.statements[1] is first.statements[1]  # shared: validated and compiled once
    assert edited.statements[0].sid == "A2"
    text = json.dumps(_policy(_stmt(Sid="A"), _stmt(Sid="B")), indent=2)
    shifted = text.replace('"Sid": "A"', '"Sid": "A",\n      "Condition": {}', 1)
    a, b = parse_policy(text), parse_policy(shifted)
    assert (a.statements[1].sid, b.statements[1].sid) == ("B", "B")
    assert b.statements[1].line == a.statements[1].line + 1  # its own position in its own text


def test_the_statement_memo_steps_aside_while_statements_keep_being_new_and_comes_back():
    from srm_trainer.iam import parser

    parser.clear_cache()
    for n in range(40):  # a batch job: every statement new (a new Sid each time)
        parse_policy(_policy(_stmt(Sid=f"New{n}a"), _stmt(Sid=f"New{n}b")))
    kept = len(parser._STATEMENTS)
    assert kept < 80  # most of those statements were never keyed
    fresh = parse_policy(_policy(_stmt(Sid="Late"), _stmt(Sid="Other", Effect="Deny")))
    assert [st.sid for st in fresh.statements] == ["Late", "Other"]  # read the same way
    assert fresh.statements[1].effect == "Deny"
    for n in range(40):  # someone editing one statement: the other one repeats
        parse_policy(_policy(_stmt(Sid=f"Edit{n}"), _stmt(Sid="Keep")))
    a = parse_policy(_policy(_stmt(Sid="EditA"), _stmt(Sid="Keep")))
    b = parse_policy(_policy(_stmt(Sid="EditB"), _stmt(Sid="Keep")))
    assert a.statements[1] is b.statements[1]  # the memo is back in use
    parser.clear_cache()


def test_the_policy_cache_steps_aside_while_policies_keep_being_new_and_comes_back(cache_in_use):
    from srm_trainer.iam import parser

    for n in range(200):  # a batch job: every policy new (a new Sid each time)
        parse_policy(_policy(_stmt(Sid=f"Batch{n}")))
    assert len(parser._CACHE) < 70  # the first 32, then one in eight
    again = [parse_policy(_policy(_stmt(Sid=f"Batch{n}"))) for n in range(200)]
    assert [p.statements[0].sid for p in again] == [f"Batch{n}" for n in range(200)]
    assert all(p.statements[0].effect == "Allow" for p in again)  # parsed again, the same way
    # Someone evaluating the same few policies over and over: repeats are kept and found.
    docs = [_policy(_stmt(Sid=f"Repeat{n}")) for n in range(4)]
    for _ in range(40):
        for doc in docs:
            parse_policy(doc)
    assert all(parse_policy(doc) is parse_policy(json.loads(json.dumps(doc))) for doc in docs)
    late = _policy(_stmt(Sid="Late"))
    assert parse_policy(late) is parse_policy(late)  # every new policy kept again


def test_an_invalid_statement_seen_before_is_still_an_error_where_it_is():
    bad = _stmt(Effect="allow")
    assert _error(_policy(_stmt(), bad)).path == "Statement[1].Effect"
    text = json.dumps(_policy(_stmt(), bad), indent=2)
    err = _error(text)
    assert (err.path, err.line) == (
        "Statement[1].Effect",
        text.count("\n", 0, text.index('"allow"')) + 1,
    )


# --------------------------------------------------------------------------- rejected forms


def test_it_points_at_the_line_of_a_bad_effect():
    text = (
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n'
        '      "Effect": "allow",\n      "Action": "s3:*",\n      "Resource": "*"\n    }\n  ]\n}'
    )
    err = _error(text)
    assert err.code == "invalid_effect"
    assert err.path == "Statement[0].Effect"
    assert (err.line, err.column) == (5, 17)


# Each error points at what is wrong, not at what holds it: a statement written as policy
# text with `»` just before the offending element or key (removed before parsing), the error
# code and the path. A condition value of the wrong type is the element of its list (the
# Condition element page: a key's values are strings, numbers or Booleans); two elements that
# cannot stand together (Action/NotAction, Resource/NotResource, Principal/NotPrincipal: the
# NotAction, NotResource and NotPrincipal element pages) at the one written second.
PLACED_ERRORS = [
    (
        "identity",
        '"Effect": "Allow", "Action": "*", "Resource": "*",\n'
        '      "Condition": {"StringEquals": {"aws:username": ["ada",\n        »null]}}',
        "invalid_condition_value",
        "Statement[0].Condition.StringEquals.aws:username[1]",
    ),
    (
        "identity",
        '"Effect": "Allow", "Action": "*", "Resource": "*",\n'
        '      "Condition": {"NumericLessThan": {"s3:max-keys": [»{"n": 5}, "10"]}}',
        "invalid_condition_value",
        "Statement[0].Condition.NumericLessThan.s3:max-keys[0]",
    ),
    (
        "identity",
        '"Effect": "Deny", "Action": "s3:*",\n      »"NotAction": "s3:Get*", "Resource": "*"',
        "action_and_notaction",
        "Statement[0].NotAction",
    ),
    (
        "identity",
        '"Effect": "Deny", "NotAction": "s3:Get*", "Resource": "*",\n      »"Action": "s3:*"',
        "action_and_notaction",
        "Statement[0].Action",
    ),
    (
        "identity",
        '"Effect": "Allow", "Action": "s3:*", "Resource": "*",\n      »"NotResource": "arn:aws:s3:::b"',
        "resource_and_notresource",
        "Statement[0].NotResource",
    ),
    (
        "resource",
        '"Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"}, »"Principal": "*",\n'
        '      "Action": "s3:*", "Resource": "*"',
        "principal_and_notprincipal",
        "Statement[0].Principal",
    ),
]


@pytest.mark.parametrize(
    ("kind", "statement", "code", "path"),
    PLACED_ERRORS,
    ids=[
        "null-in-list",
        "object-in-list",
        "notaction-second",
        "action-second",
        "notresource",
        "principal",
    ],
)
def test_an_error_points_at_the_offending_element_or_key(kind, statement, code, path):
    marked = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {' + statement + "}\n  ]\n}"
    at = marked.index("»")
    text = marked.replace("»", "")
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    err = _error(text, kind=kind)
    assert (err.code, err.path, err.line, err.column) == (code, path, line, column)
    as_dict = _error(json.loads(text), kind=kind)  # the same path without a text
    assert (as_dict.code, as_dict.path) == (code, path)


def test_it_rejects_a_statement_without_action():
    err = _error(_policy({"Effect": "Allow", "Resource": "*"}))
    assert err.code == "missing_action"


def test_it_rejects_resource_and_notresource_together():
    assert _error(_policy(_stmt(NotResource="*"))).code == "resource_and_notresource"


def test_it_rejects_an_identity_statement_without_resource():
    assert _error(_policy({"Effect": "Allow", "Action": "s3:*"})).code == "missing_resource"


def test_it_points_at_an_unknown_statement_key():
    text = (
        '{"Version": "2012-10-17",\n "Statement": [{"Effect": "Allow", "Action": "*",\n'
        '   "Resource": "*", "Condtion": {}}]}'
    )
    err = _error(text)
    assert err.code == "unknown_element"
    assert err.path == "Statement[0].Condtion"
    assert (err.line, err.column) == (3, 21)


def test_it_rejects_an_unknown_top_level_key():
    err = _error(_policy(Statements=[]))
    assert (err.code, err.path) == ("unknown_element", "Statements")


def test_it_rejects_an_unknown_version():
    assert _error(_policy(Version="2012-10-18")).code == "invalid_version"


def test_it_rejects_a_missing_statement():
    assert _error({"Version": "2012-10-17"}).code == "missing_statement"


@pytest.mark.parametrize("kind", ["identity", "boundary", "session", "scp"])
def test_it_rejects_a_principal_where_the_policy_is_attached_to_an_identity(kind):
    err = _error(_policy(_stmt(Principal="*")), kind=kind)
    assert (err.code, err.path) == ("principal_not_allowed", "Statement[0].Principal")


def test_a_resource_policy_statement_needs_a_principal():
    assert _error(_policy(_stmt()), kind="resource").code == "missing_principal"


def test_it_rejects_principal_and_notprincipal_together():
    err = _error(_policy(_stmt(Principal="*", NotPrincipal="*")), kind="resource")
    assert err.code == "principal_and_notprincipal"


def test_it_rejects_a_bare_principal_string_other_than_star():
    err = _error(_policy(_stmt(Principal="arn:aws:iam::111122223333:root")), kind="resource")
    assert err.code == "invalid_principal"


def test_it_rejects_an_unknown_principal_type():
    err = _error(_policy(_stmt(Principal={"Aws": "*"})), kind="resource")
    assert (err.code, err.path) == ("invalid_principal", "Statement[0].Principal.Aws")


def test_an_rcp_principal_must_be_star():
    assert parse_policy(_policy(_stmt(Effect="Deny", Principal="*")), kind="rcp")
    err = _error(_policy(_stmt(Effect="Deny", Principal={"AWS": "111122223333"})), kind="rcp")
    assert err.code == "invalid_principal"


@pytest.mark.parametrize(
    ("resource", "path"),
    [
        ("arn:aws:sqs", "Statement[0].Resource"),  # no wildcard
        ("arn:aws:s3:*", "Statement[0].Resource"),  # a trailing * does not make it complete
        (["*", "arn:aws:iam::111122223333"], "Statement[0].Resource[1]"),
    ],
)
def test_a_session_policy_refuses_an_incomplete_arn(resource, path):
    """IAM guide, reference-arns ("Using wildcards in paths"): session policies passed to
    AssumeRole, AssumeRoleWithWebIdentity and AssumeRoleWithSAML do not support incomplete ARNs
    (MalformedPolicyDocument), where an identity-based policy completes them with `*`."""
    err = _error(_policy(_stmt(Resource=resource)), kind="session")
    assert (err.code, err.path) == ("incomplete_arn_in_session_policy", path)
    assert "MalformedPolicyDocument" in err.message
    not_resource = {"Effect": "Deny", "Action": "s3:*", "NotResource": resource}
    err = _error(_policy(not_resource), kind="session")
    assert (err.code, err.path) == (
        "incomplete_arn_in_session_policy",
        path.replace("Resource", "NotResource"),
    )
    for kind in ("identity", "boundary"):
        assert parse_policy(_policy(_stmt(Resource=resource)), kind=kind)


def test_a_session_policy_with_six_part_arns_is_accepted():
    arns = ["arn:aws:s3:::reports/*", "arn:aws:sqs:*:*:*", "arn:aws:s3:::${aws:username}/*"]
    assert parse_policy(_policy(_stmt(Resource=arns)), kind="session")


@pytest.mark.parametrize("action", ["s3GetObject", "", ":GetObject", "s3:", 5])
def test_it_rejects_a_malformed_action(action):
    assert _error(_policy(_stmt(Action=action))).code == "invalid_action"


class _Text(str):
    pass


@pytest.mark.parametrize("bad", ["s3GetObject", "s3:", 5, _Text("s3:GetObject"), ["s3:Get*"]])
def test_a_long_action_list_is_checked_like_a_short_one(bad):
    # Lists of more than four actions the memo knows are read in C; what they accept and what
    # they refuse (and where) must not change, a str subclass included.
    actions = ["s3:GetObject", "ec2:Describe*", "s3:PutObject", "logs:*", "sqs:SendMessage"]
    parse_policy(_policy(_stmt(Action=actions)))  # every action now known
    short, long = (
        _error(_policy(_stmt(Action=[bad]))),
        _error(_policy(_stmt(Action=[*actions, bad]))),
    )
    assert (long.code, long.message) == (short.code, short.message)
    policy = parse_policy(_policy(_stmt(Action=[*actions, "*:Get*"]), _stmt(Action=actions)))
    assert [st.service_keys() for st in policy.statements] == [None, ("s3", "ec2", "logs", "sqs")]
    assert [st.index for st in policy.candidates("logs")] == [0, 1]
    assert [st.index for st in policy.candidates("iam")] == [0]


def test_it_rejects_an_empty_action_list():
    err = _error(_policy(_stmt(Action=[])))
    assert (err.code, err.path) == ("invalid_action", "Statement[0].Action")


def test_it_rejects_a_resource_that_is_neither_star_nor_an_arn():
    err = _error(_policy(_stmt(Resource=["*", "bucket/key"])))
    assert (err.code, err.path) == ("invalid_resource", "Statement[0].Resource[1]")


def test_it_reports_invalid_json_with_jsons_own_position():
    err = _error('{\n  "Version": "2012-10-17",\n  "Statement": [\n}')
    assert err.code == "invalid_json"
    assert err.line == 4


def test_it_rejects_a_policy_that_is_not_an_object():
    assert _error("[1, 2]").code == "invalid_policy"
    assert _error(42).code == "invalid_policy"  # type: ignore[arg-type]


def test_it_accepts_policies_as_large_as_aws_managed_ones():
    # AWS managed policies are not held to the 6,144-character customer quota: the largest,
    # AWSSupportServiceRolePolicy, is about 152,000 characters without white space and 231,000
    # pretty-printed. Differential testing over the real managed policies found the old
    # 20,000-character guard rejecting 18 of them.
    actions = [f"svc{i:05d}:Describe*" for i in range(7_500)]
    doc = _policy(_stmt(Action=actions))
    text = json.dumps(doc, indent=2)
    assert len(json.dumps(doc, separators=(",", ":"))) > 150_000
    assert len(text) < MAX_POLICY_CHARS
    assert len(parse_policy(text).statements) == 1
    assert len(parse_policy(doc).statements) == 1


def test_it_rejects_text_over_the_size_limit():
    padded = json.dumps(_policy(_stmt(Sid="x" * MAX_POLICY_CHARS)))
    assert _error(padded).code == "policy_too_large"
    assert _error(json.loads(padded)).code == "policy_too_large"


def test_it_rejects_deep_nesting_in_text_before_loading_it():
    deep = '{"Version": "2012-10-17", "Statement": [' + "[" * 5000 + "]" * 5000 + "]}"
    err = _error(deep[:MAX_POLICY_CHARS])
    assert err.code == "nesting_too_deep"
    assert err.line == 1


def test_it_rejects_deep_nesting_in_an_object():
    value: list = []
    for _ in range(MAX_NESTING + 1):
        value = [value]
    assert _error({"Version": "2012-10-17", "Statement": value}).code == "nesting_too_deep"


def test_it_rejects_too_many_statements():
    # SCP statements may omit Resource, so 501 of them fit in the size limit.
    doc = {"Statement": [{"Effect": "Deny", "Action": "a:b"}] * (MAX_STATEMENTS + 1)}
    assert _error(doc, kind="scp").code == "too_many_statements"


def test_condition_errors_carry_the_condition_path_and_line():
    text = (
        '{"Version": "2012-10-17", "Statement": [\n'
        ' {"Effect": "Allow", "Action": "*", "Resource": "*",\n'
        '  "Condition": {"StringEqualz": {"aws:username": "a"}}}]}'
    )
    err = _error(text)
    assert err.path.startswith("Statement[0].Condition")
    assert err.line == 3


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="kind must be one of"):
        parse_policy(_policy(), kind="group")


def test_the_parse_cache_keeps_policies_after_it_was_emptied_by_hand(monkeypatch):
    # A harness that empties `_CACHE` itself (the CPU-budget bench did) left the character
    # count behind; once that count passed the bound, every new policy pushed all the others
    # out, and the policies of a case were parsed again on every request. The count now starts
    # again from an empty cache.
    from srm_trainer.iam import parser

    parser.clear_cache()
    monkeypatch.setattr(parser, "_CACHE_MAX_CHARS", 5_000)
    for i in range(4):  # each emptied by hand: the count still holds them
        parser.parse_policy(
            _policy(_stmt(Sid=f"big{i}", Action=[f"svc{j}:Get*" for j in range(100)]))
        )
        parser._CACHE.clear()
    docs = [_policy(_stmt(Sid=f"s{i}")) for i in range(5)]
    parsed = [parser.parse_policy(doc) for doc in docs]
    # every one a cache hit: the same object back
    assert all(parser.parse_policy(d) is p for d, p in zip(docs, parsed, strict=True))
    assert parser._cache_chars == sum(len(k[3]) for k in parser._CACHE)
    parser.clear_cache()


def test_the_parse_cache_is_bounded_by_characters_too(monkeypatch):
    # Large policies are now admitted (AWS managed ones reach 150,000 characters), so the
    # cache of parsed policies is bounded by the text it holds, not only by its entry count.
    from srm_trainer.iam import parser

    parser.clear_cache()
    monkeypatch.setattr(parser, "_CACHE_MAX_CHARS", 5_000)
    docs = [
        _policy(_stmt(Sid=f"s{i}", Action=[f"svc{j}:Get*" for j in range(100)])) for i in range(4)
    ]
    first = parser.parse_policy(docs[0])
    assert parser.parse_policy(docs[0]) is first  # a cache hit
    for doc in docs[1:]:
        parser.parse_policy(doc)
    assert 0 < parser._cache_chars <= 5_000
    assert parser._cache_chars == sum(len(k[3]) for k in parser._CACHE)
    assert parser.parse_policy(docs[0]) is not first  # the oldest went out first
    parser.clear_cache()
    assert parser._cache_chars == 0


@pytest.mark.parametrize(
    "raw",
    [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
        {
            "Sid": "Many",
            "Effect": "Deny",
            "Action": [f"s3:Get{n}" for n in "ABCDEF"] + ["ec2:*"],
            "Resource": ["arn:aws:s3:::b", "*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        {"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:iam::*:role/x"},
        {"Effect": "Allow", "Action": ["s3:*", "*"], "Resource": "arn:aws:s3:::${aws:username}/*"},
    ],
    ids=["plain", "long action list", "negated", "wildcard and variable"],
)
@pytest.mark.parametrize("kind", ["identity", "session"])
def test_the_fast_path_builds_the_same_statement_as_the_checked_one(raw, kind, monkeypatch):
    # `parser._statement` sets a statement's slots inline (a call to `Statement.lazy` costs a
    # tenth of that path); `_checked_statement` goes through `Statement.lazy`. Every slot must
    # come out the same, so a slot added to Statement cannot be forgotten on one of them. And
    # a valid statement must not leave the fast path for the checked one: a branch added in the
    # wrong place once sent every statement with a Resource there (the parse bench's typical
    # case went from 37 to 48-57 µs, past its 50 µs budget).
    from srm_trainer.iam import parser
    from srm_trainer.iam.model import Statement

    checked = parser._checked_statement(raw, 0, "Statement[0]", kind, True, None)

    def not_taken(*args):
        raise AssertionError("a valid statement left the fast path")

    monkeypatch.setattr(parser, "_checked_statement", not_taken)
    fast = parser._statement(raw, 0, "Statement[0]", kind, True, None)
    for slot in Statement.__slots__:
        assert getattr(fast, slot) == getattr(checked, slot), slot
    assert fast.action == checked.action and fast.resource == checked.resource
