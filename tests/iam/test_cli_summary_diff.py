"""`python -m srm_trainer.iam summary` and `diff`: the lines and exit codes scripts rely on."""

from __future__ import annotations

import json

from srm_trainer.iam.cli import EXIT_FAILED, EXIT_OK, main


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


READ = policy({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"})
READ_PUT = policy(
    {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"},
    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::up/*"},
)


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def run(capsys, *argv):
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_summary_prints_levels(tmp_path, capsys):
    status, out, _ = run(capsys, "summary", write(tmp_path, "p.json", READ_PUT))
    assert status == EXIT_OK
    lines = out.splitlines()
    assert lines[0] == "Amazon S3 (s3)"
    assert any(line.split()[:2] == ["List", "full"] for line in lines)
    assert any(line.split()[:2] == ["Write", "partial"] for line in lines)
    assert "    partial  s3:PutObject (arn:aws:s3:::up/*)" in lines


def test_summary_json_and_services(tmp_path, capsys):
    star = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    path = write(tmp_path, "star.json", star)
    status, _, err = run(capsys, "summary", path)
    assert status == EXIT_FAILED and "services" in err
    status, out, _ = run(capsys, "summary", path, "--service", "sqs", "--json")
    assert status == EXIT_OK
    assert [s["service"] for s in json.loads(out)["services"]] == ["sqs"]


def test_diff_gates_new_access(tmp_path, capsys):
    old, new = write(tmp_path, "old.json", READ), write(tmp_path, "new.json", READ_PUT)
    status, out, _ = run(capsys, "diff", old, new)
    assert status == EXIT_FAILED
    assert out.splitlines() == [
        "+ s3:PutObject  [Write]  none → partial (arn:aws:s3:::up/*)"
        "  — new: allowed by Identity-based policy 1, statement 2 (Allow)"
    ]
    status, out, _ = run(capsys, "diff", new, old)
    assert status == EXIT_OK
    assert out.splitlines()[0].startswith("- s3:PutObject")
    assert out.splitlines()[-1] == "no new access"


def test_diff_bad_json_names_the_file(tmp_path, capsys):
    good, bad = write(tmp_path, "old.json", READ), write(tmp_path, "new.json", '{"Statement": [')
    status, _, err = run(capsys, "diff", good, bad)
    assert status == EXIT_FAILED and "new.json" in err


# --- the why, in the words the sandbox pages use (issue 16, item 13) --------------------------

GUARDED = {
    "identity_policies": [
        policy(
            {"Sid": "Read", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"},
            {
                "Sid": "Upload",
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::up/*",
            },
            {
                "Sid": "Secret",
                "Effect": "Deny",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::secret/*",
            },
        )
    ],
    "permissions_boundary": policy(
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Sid": "NoListing", "Effect": "Deny", "Action": "s3:ListBucket", "Resource": "*"},
    ),
}
READ_BY = (
    "Identity-based policy 1, statement 1 “Read” (Allow); Permissions boundary, statement 1 (Allow)"
)


def _section(lines, heading):
    """The action lines under one heading of a summary, up to the next heading."""
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("    ")), len(lines))
    return lines[start:end]


def test_summary_says_which_statements_allow_each_action(tmp_path, capsys):
    status, out, _ = run(capsys, "summary", write(tmp_path, "set.json", GUARDED))
    assert status == EXIT_OK
    lines = out.splitlines()
    plain = _section(lines, f"  allowed by {READ_BY}:")
    assert "    full     s3:GetBucketAcl" in plain
    assert "    full     s3:ListBucket" not in plain  # the boundary's Deny refuses it
    limited = _section(
        lines,
        f"  allowed by {READ_BY}; limited by Identity-based policy 1, statement 3 “Secret” (Deny):",
    )
    assert limited == ["    partial  s3:GetObject (except arn:aws:s3:::secret/*)"]
    upload = "Identity-based policy 1, statement 2 “Upload” (Allow); Permissions boundary, statement 1 (Allow)"
    assert _section(lines, f"  allowed by {upload}:") == [
        "    partial  s3:PutObject (arn:aws:s3:::up/*)"
    ]


def test_summary_says_why_the_other_actions_are_not_allowed(tmp_path, capsys):
    _, out, _ = run(capsys, "summary", write(tmp_path, "set.json", GUARDED))
    lines = out.splitlines()
    assert (
        "  not allowed (1 action): denied by Permissions boundary, statement 2 “NoListing” (Deny)"
        in lines
    )
    nothing = [line for line in lines if line.startswith("  not allowed (") and "step" in line]
    assert len(nothing) == 1
    assert "decided at the Identity-based policies step: no identity-based" in nothing[0]


def test_diff_says_what_grants_a_gain_and_what_granted_a_loss(tmp_path, capsys):
    old, new = write(tmp_path, "old.json", READ), write(tmp_path, "new.json", READ_PUT)
    _, out, _ = run(capsys, "diff", new, old)
    lost = [line for line in out.splitlines() if line.startswith("- s3:PutObject")]
    assert lost == [
        "- s3:PutObject  [Write]  partial → none (arn:aws:s3:::up/*)"
        "  — old: allowed by Identity-based policy 1, statement 2 (Allow)"
    ]


def test_simulate_says_the_deciding_statement_and_step_of_every_row(tmp_path, capsys):
    batch = {
        "request": {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "actions": ["s3:GetObject", "s3:ListBucket", "iam:CreateUser"],
            "resources": ["arn:aws:s3:::reports"],
        },
        **GUARDED,
    }
    status, out, _ = run(capsys, "simulate", write(tmp_path, "batch.json", batch))
    assert status == EXIT_OK
    get, listing, create = out.splitlines()
    assert get.startswith("Allow         s3:GetObject  arn:aws:s3:::reports  — allowed by ")
    assert get.endswith(f"{READ_BY}; decided at the Permissions boundary step")
    assert listing.startswith("ExplicitDeny  s3:ListBucket")
    assert (
        "denied by Permissions boundary, statement 2 “NoListing” (Deny); decided at the Explicit deny step: "
        in listing
    )
    assert create.startswith("ImplicitDeny  iam:CreateUser")
    assert "no statement allows it; decided at the Identity-based policies step: " in create


def test_summary_says_each_reason_for_not_allowed_once(tmp_path, capsys):
    reads = policy(
        {
            "Effect": "Allow",
            "Action": "iam:Get*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        }
    )
    _, out, _ = run(capsys, "summary", write(tmp_path, "p.json", reads))
    reasons = [
        line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("  not allowed (")
    ]
    assert reasons and len(reasons) == len(set(reasons)), reasons


def test_summary_says_which_actions_the_resource_cannot_grant(tmp_path, capsys):
    """AWS's resource-type rule: `s3:Get*` on object ARNs grants the object reads only; the
    CLI lists them, and says why the bucket and account reads are not allowed."""
    get_reports = policy(
        {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::reports/*"}
    )
    status, out, _ = run(capsys, "summary", write(tmp_path, "p.json", get_reports))
    assert status == EXIT_OK
    assert "    partial  s3:GetObject (arn:aws:s3:::reports/*)" in out.splitlines()
    assert "s3:GetBucketAcl" not in out
    not_allowed = [line for line in out.splitlines() if "cannot name any resource" in line]
    assert len(not_allowed) == 1 and "arn:aws:s3:::reports/*" in not_allowed[0]
