"""What the fuzzer sends: JSON of every shape, policies and cases that are nearly right, odd
Unicode, wildcard storms, malformed forms and permalinks.

Nearly-right inputs reach deep into the engine (conditions, principals, variables, the linter);
random ones test the edges (parsing, limits). Each strategy mixes both.
"""

from __future__ import annotations

import base64
import json
import zlib
from functools import cache

from hypothesis import strategies as st

from srm_trainer.iam.conditions import CONDITION_OPERATORS

# Strings that have broken parsers before: control characters, bidi overrides, combining marks,
# case folding that changes length, escapes written out as text, variables, huge digit runs.
NASTY = [
    "",
    " ",
    "*",
    "?",
    "*:*",
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u0627\u0644",  # right-to-left mark, Arabic
    "e\u0301\u0301\u0301",  # combining acute accents
    "\ufeff",
    "ß",
    "ﬃ",
    "İ",
    "ǅ",
    "🔥",
    "\\ud800",
    "\\u0000",
    "${aws:username}",
    "${",
    "${*}${?}${$}",
    "${aws:PrincipalTag/${aws:username}}",
    "arn:aws:s3:::*",
    "arn:" + ":" * 12,
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:sts::111122223333:assumed-role/Dev/alice",
    "111122223333",
    "ec2.amazonaws.com",
    "1" * 5000,
    "9" * 19,
    "-0",
    "1e999",
    "NaN",
    "2026-13-45T25:61:61Z",
    "10.0.0.0/33",
    "::ffff:1.2.3.4/129",
    "x" * 3000,
    "[" * 40,
    '{"a":',
]

PRINCIPALS = [
    "*",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:root",
    "arn:aws:sts::111122223333:assumed-role/Dev/alice",
    "arn:aws:sts::111122223333:federated-user/bob",
    "111122223333",
    "ec2.amazonaws.com",
    "arn:aws:iam::111122223333:user/${aws:username}",
]
CREATORS = [
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::444455556666:user/alice",
    "arn:aws:iam::111122223333:role/Dev",
    "arn:aws:iam::111122223333:user/",
]
ACTIONS = [
    "s3:GetObject",
    "s3:Get*",
    "s3:*Object",
    "s3:?etObject",
    "iam:PassRole",
    "ec2:RunInstances",
    "kms:Decrypt",
    "*",
    "*:*",
    "s3:",
    ":GetObject",
    "s3:GetObjekt",
    "nosuchservice:Thing",
    "S3:GETOBJECT",
    "*:*x1*",
    "*a*a*a*a*a*a*a*a*b",
]
REQUEST_ACTIONS = [a for a in ACTIONS if ":" in a.strip(":") and "*" not in a] + ["s3:ListBucket"]
RESOURCES = [
    "*",
    "arn:aws:s3:::reports/*",
    "arn:aws:s3:::reports/q1.csv",
    "arn:aws:s3:::${aws:username}/*",
    "arn:aws:iam::111122223333:role/*",
    "arn:aws:kms:us-east-1:111122223333:key/*",
    "arn:aws:ec2:*:*:instance/*",
    "arn:*:*:*:*:*",
    "arn:",
    "not-an-arn",
    "arn:aws:s3:::" + "*a" * 40 + "b",
]
CONTEXT_KEYS = [
    "aws:username",
    "aws:SourceIp",
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:MultiFactorAuthPresent",
    "aws:PrincipalTag/team",
    "aws:TagKeys",
    "s3:max-keys",
    "aws:SecureTransport",
    "aws:PrincipalArn",
]

odd_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(
        st.characters(categories=["Mn", "Me", "Cf", "Zl", "Zp", "Cc", "Nd", "No"]), max_size=20
    ),
)
# Real lone surrogates: only for inputs handed to the engine as Python data.
with_surrogates = st.one_of(odd_text, st.text(st.characters(categories=["Cs", "L"]), max_size=10))

numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),  # longer ones come in as text
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, odd_text)


@cache  # one strategy per shape: building a recursive one is dearer than drawing from it
def json_values(leaves=scalars, max_leaves: int = 20):
    return st.recursive(
        leaves,
        lambda children: (
            st.lists(children, max_size=5)
            | st.dictionaries(
                st.one_of(st.sampled_from(STATEMENT_KEYS), odd_text), children, max_size=5
            )
        ),
        max_leaves=max_leaves,
    )


STATEMENT_KEYS = [
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
]


def one_or_many(strategy, max_size: int = 4, min_size: int = 0):
    return st.one_of(strategy, st.lists(strategy, min_size=min_size, max_size=max_size))


def mostly(good, bad, odds: int = 8):
    """`good` about `odds` times in `odds + 1`, else `bad` (one_of alone would not weigh them;
    the good side is the one hypothesis finds simplest)."""
    return st.integers(0, odds).flatmap(lambda n: bad if n == odds else good)


def maybe_junk(strategy, odds: int = 8):
    """Mostly the right shape, sometimes anything at all."""
    return mostly(strategy, json_values(max_leaves=5), odds)


actions = mostly(
    st.sampled_from(ACTIONS), st.one_of(odd_text.map(lambda t: f"s3:{t}"), odd_text), 4
)
resources = mostly(st.sampled_from(RESOURCES), odd_text.map(lambda t: f"arn:aws:s3:::{t}"), 3)
operators = st.one_of(
    st.sampled_from(CONDITION_OPERATORS),
    st.sampled_from(CONDITION_OPERATORS).map(lambda o: f"ForAnyValue:{o}IfExists"),
    st.sampled_from(CONDITION_OPERATORS).map(lambda o: f"ForAllValues:{o}"),
    odd_text,
)
condition_values = one_or_many(st.one_of(odd_text, numbers, st.booleans(), st.none()))
conditions = st.dictionaries(
    operators,
    st.dictionaries(
        st.one_of(st.sampled_from(CONTEXT_KEYS), odd_text), condition_values, max_size=3
    ),
    max_size=3,
)
principals = st.one_of(
    st.just("*"),
    st.dictionaries(
        st.sampled_from(["AWS", "Service", "Federated", "CanonicalUser", "aws", "X"]),
        one_or_many(st.one_of(st.sampled_from(PRINCIPALS), odd_text)),
        max_size=3,
    ),
    odd_text,
)


# Built once, not inside `statements` for every statement drawn (most of a draw's cost was
# making these strategies again); the same strategies, so the same inputs.
_effects = maybe_junk(st.sampled_from(["Allow", "Deny", "allow", "Maybe"]))
_action_keys = st.sampled_from(["Action", "Action", "NotAction"])
_statement_actions = maybe_junk(one_or_many(actions))
_resource_keys = st.sampled_from(["Resource", "Resource", "NotResource"])
_statement_resources = maybe_junk(one_or_many(resources))
_statement_conditions = maybe_junk(conditions)
_principal_keys = st.sampled_from(["Principal", "NotPrincipal"])
_sids = maybe_junk(odd_text)
_coin = st.booleans()
_one_in_13 = st.integers(0, 12)
_one_in_4 = st.integers(0, 3)
_one_in_9 = st.integers(0, 8)


@st.composite
def statements(draw):
    statement = {"Effect": draw(_effects)}
    statement[draw(_action_keys)] = draw(_statement_actions)
    statement[draw(_resource_keys)] = draw(_statement_resources)
    if draw(_coin):
        statement["Condition"] = draw(_statement_conditions)
    if draw(_one_in_13) == 0:
        statement[draw(_principal_keys)] = draw(principals)
    if draw(_one_in_4) == 0:
        statement["Sid"] = draw(_sids)
    if draw(_one_in_9) == 0:
        statement[draw(odd_text)] = draw(scalars)
    return statement


policies = st.one_of(
    st.fixed_dictionaries(
        {
            "Version": st.sampled_from(["2012-10-17", "2008-10-17", "2012-10-17 ", ""]),
            "Statement": st.one_of(statements(), st.lists(statements(), max_size=4)),
        }
    ),
    st.fixed_dictionaries({"Statement": st.lists(statements(), max_size=3)}),
    json_values(max_leaves=10),
)


# Built once, as `statements`' above: a strategy made inside a draw is made (and checked by
# hypothesis) again for every input, the costlier for a list, which its cache cannot key on.
_indents = st.sampled_from([None, 2, 4])
_mutations = st.integers(0, 5)
_breakers = st.sampled_from(['"', ",", "}", "[", "\\ud800", "\\", "\x00", "\n"])
_depths = st.integers(30, 3000)


@st.composite
def policy_texts(draw, policy=policies):
    """A policy as the text a learner types: pretty or compact, sometimes broken."""
    text = json.dumps(draw(policy), indent=draw(_indents))
    mutation = draw(_mutations)
    if mutation == 0 and text:
        cut = draw(st.integers(0, len(text)))
        text = text[:cut]
    elif mutation == 1:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(_breakers) + text[at:]
    elif mutation == 2:
        depth = draw(_depths)
        text = "[" * depth + text + "]" * draw(st.sampled_from([0, depth]))
    return text


def storm_actions(max_size: int):
    """Wildcards that make a matcher or a catalogue search work hard: `*:*x17*`, `*a*a*a…`."""
    return st.lists(
        st.one_of(
            st.integers(0, 99_999).map(lambda n: f"*:*x{n}*"),
            st.integers(2, 60).map(lambda n: "*:" + "*a" * n + "b"),
            st.integers(2, 60).map(lambda n: "s3:" + "*?" * n + "x"),
            st.integers(0, 9999).map(lambda n: f"s3:Get{n}Objekt"),  # "did you mean"
        ),
        min_size=1,
        max_size=max_size,
    )


def storm_policies(max_size: int):
    return st.builds(
        lambda acts, res: {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": acts, "Resource": res}],
        },
        storm_actions(max_size),
        st.lists(
            st.integers(2, 80).map(lambda n: "arn:aws:s3:::" + "*a" * n + "b"),
            min_size=1,
            max_size=3,
        ),
    )


requests = st.fixed_dictionaries(
    {
        "principal": maybe_junk(mostly(st.sampled_from(PRINCIPALS), odd_text)),
        "action": maybe_junk(mostly(st.sampled_from(REQUEST_ACTIONS), actions, 3)),
        "resource": maybe_junk(resources),
    },
    optional={
        "resource_account": maybe_junk(st.sampled_from(["111122223333", "444455556666", "12"])),
        # the IAM user who created a federated user session: valid only beside one
        "federated_by": maybe_junk(mostly(st.sampled_from(CREATORS), odd_text)),
        "context": maybe_junk(
            st.dictionaries(
                st.one_of(st.sampled_from(CONTEXT_KEYS), odd_text), condition_values, max_size=4
            )
        ),
    },
)


def _with_principal(policy, principal):
    statements = policy.get("Statement") if isinstance(policy, dict) else None
    for statement in statements if isinstance(statements, list) else [statements]:
        if isinstance(statement, dict):
            statement.setdefault("Principal", principal)
    return policy


resource_policies = st.builds(_with_principal, policies, principals)


def cases(policy=policies):
    any_policy = st.one_of(
        policy, policy_texts(policy), st.fixed_dictionaries({"name": odd_text, "document": policy})
    )
    return st.fixed_dictionaries(
        {
            "request": maybe_junk(requests),
            "identity_policies": maybe_junk(st.lists(any_policy, max_size=3)),
        },
        optional={
            "resource_policy": maybe_junk(st.one_of(resource_policies, any_policy)),
            "permissions_boundary": any_policy,
            "session_policy": any_policy,
            "scp_levels": maybe_junk(st.lists(st.lists(any_policy, max_size=2), max_size=3)),
            "rcp_levels": st.lists(st.lists(any_policy, max_size=2), max_size=2),
            "name": odd_text,
            "expect": mostly(st.sampled_from(["Allow", "ExplicitDeny", "ImplicitDeny"]), odd_text),
        },
    )


def permalink(raw: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


permalinks = st.one_of(
    st.deferred(lambda: clean_cases).map(lambda c: permalink(json.dumps(c).encode())),
    cases().map(lambda c: permalink(json.dumps(c).encode())),
    json_values().map(lambda v: permalink(json.dumps(v).encode())),
    st.binary(max_size=200).map(permalink),
    st.integers(1, 30_000).map(lambda n: permalink(b"[" * n)),
    st.sampled_from(
        ['{"request": {"principal": "\\ud800"}}', '{"request": ' + "1" * 5000 + "}"]
    ).map(lambda t: permalink(t.encode())),
    st.text(max_size=200),
)

# --- forms ------------------------------------------------------------------------------------

index_text = st.one_of(
    st.integers(0, 25).map(str),
    st.sampled_from(["²", "٣", "¹", "-1", "", "00", "1" * 5000, "9" * 19, "0x1", " 1"]),
)
SANDBOX_OPS = [
    "evaluate",
    "download",
    "add-identity",
    "add-scp-level",
    "add-rcp-level",
    "prefill-context",
    "principal:user",
    "principal:nope",
    "",
]
sandbox_ops = st.one_of(
    st.sampled_from(SANDBOX_OPS),
    st.tuples(
        st.sampled_from(
            [
                "remove-identity",
                "remove-scp-level",
                "remove-rcp-level",
                "add-scp",
                "add-rcp",
                "add-context",
                "remove-context",
            ]
        ),
        index_text,
    ).map(":".join),
    odd_text,
)
sandbox_field_names = st.one_of(
    st.sampled_from(
        [
            "principal",
            "federated_by",
            "action",
            "resource",
            "resource_account",
            "resource_policy",
            "boundary",
            "session_policy",
            "name",
        ]
    ),
    st.tuples(
        st.sampled_from(["identity", "ctx", "scp", "rcp"]),
        index_text,
        st.sampled_from(["text", "name", "key", "value", "0", "1", "²"]),
    ).map("-".join),
    odd_text,
)
# Form values travel as UTF-8, so no real surrogates here; escapes written as text are in NASTY.
form_values = st.one_of(odd_text, policy_texts(), policy_texts(storm_policies(8)))


_form_principals = st.one_of(st.sampled_from(PRINCIPALS), odd_text)
_first_policies = st.one_of(policy_texts(st.deferred(lambda: clean_policies())), policy_texts())
_more_fields = st.dictionaries(sandbox_field_names, form_values, max_size=6)


@st.composite
def sandbox_forms(draw):
    data = {
        "principal": draw(_form_principals),
        "action": draw(actions),
        "resource": draw(resources),
        "identity-0-text": draw(_first_policies),
    }
    data.update(draw(_more_fields))
    if draw(_coin):
        data["op"] = draw(sandbox_ops)
    return data


# Policies and cases of the right shape, so most reach the evaluator and the linter in full;
# the values inside (condition values, wildcards, odd strings) are still hostile.
clean_conditions = st.dictionaries(
    st.sampled_from(CONDITION_OPERATORS).flatmap(
        lambda o: st.sampled_from([o, f"{o}IfExists", f"ForAnyValue:{o}", f"ForAllValues:{o}"])
    ),
    st.dictionaries(
        st.sampled_from(CONTEXT_KEYS),
        one_or_many(st.one_of(st.sampled_from(NASTY), st.booleans(), st.integers())),
        min_size=1,
        max_size=2,
    ),
    max_size=2,
)


def clean_policies(principal: bool = False):
    statement = st.fixed_dictionaries(
        {
            "Effect": st.sampled_from(["Allow", "Allow", "Deny"]),
            "Action": one_or_many(st.sampled_from(_GOOD_ACTIONS), min_size=1),
            "Resource": one_or_many(st.sampled_from(_GOOD_RESOURCES), min_size=1),
            **({"Principal": st.sampled_from(_GOOD_PRINCIPALS)} if principal else {}),
        },
        optional={"Condition": clean_conditions, "Sid": st.sampled_from(["A", "b1", "Ünïcode"])},
    )
    return st.fixed_dictionaries(
        {"Version": st.just("2012-10-17"), "Statement": st.lists(statement, min_size=1, max_size=4)}
    )


_GOOD_ACTIONS = [a for a in ACTIONS if a == "*" or ":" in a.strip(":")]
_GOOD_RESOURCES = [r for r in RESOURCES if r == "*" or r.startswith("arn:aws:")]
_GOOD_PRINCIPALS = [
    "*",
    {"AWS": "arn:aws:iam::111122223333:root"},
    {"AWS": ["111122223333", "arn:aws:iam::444455556666:user/bob"]},
    {"Service": "ec2.amazonaws.com"},
    {"AWS": "arn:aws:iam::111122223333:role/Dev"},
]

clean_requests = st.fixed_dictionaries(
    {
        "principal": st.sampled_from(PRINCIPALS),
        "action": st.sampled_from(REQUEST_ACTIONS),
        "resource": st.sampled_from(_GOOD_RESOURCES),
    },
    optional={
        "context": st.dictionaries(
            st.sampled_from(CONTEXT_KEYS),
            one_or_many(st.one_of(st.sampled_from(NASTY), st.booleans(), st.integers())),
            max_size=4,
        )
    },
)
clean_cases = st.fixed_dictionaries(
    {"request": clean_requests, "identity_policies": st.lists(clean_policies(), max_size=3)},
    optional={
        "resource_policy": clean_policies(principal=True),
        "permissions_boundary": clean_policies(),
        "session_policy": clean_policies(),
        "scp_levels": st.lists(st.lists(clean_policies(), min_size=1, max_size=2), max_size=2),
        "rcp_levels": st.lists(
            st.lists(clean_policies(principal=True), min_size=1, max_size=2), max_size=2
        ),
    },
)
