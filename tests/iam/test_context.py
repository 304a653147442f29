"""The request context: normalisation, case-insensitive keys, multivalued keys."""

from __future__ import annotations

import pytest

from srm_trainer.iam.context import RequestContext
from srm_trainer.iam.errors import PolicyError


def test_scalar_values_become_one_element_tuples_of_strings() -> None:
    ctx = RequestContext.from_mapping(
        {"aws:SourceIp": "203.0.113.7", "s3:max-keys": 5, "aws:SecureTransport": True, "f": 1.5}
    )
    assert ctx.get("aws:SourceIp") == ("203.0.113.7",)
    assert ctx.get("s3:max-keys") == ("5",)
    assert ctx.get("aws:SecureTransport") == ("true",)
    assert ctx.get("f") == ("1.5",)
    assert RequestContext.from_mapping({"b": False}).get("b") == ("false",)


def test_key_names_are_case_insensitive() -> None:
    # "Key names are case-insensitive. For example, aws:CurrentTime is equivalent to
    # AWS:currenttime." https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
    ctx = RequestContext.from_mapping({"aws:CurrentTime": "2024-01-01T00:00:00Z"})
    assert ctx.get("AWS:currenttime") == ("2024-01-01T00:00:00Z",)
    assert "aws:CURRENTTIME" in ctx


def test_values_keep_their_case() -> None:
    ctx = RequestContext.from_mapping({"aws:username": "Alice"})
    assert ctx.get("aws:username") == ("Alice",)


def test_missing_key_is_none() -> None:
    assert RequestContext.from_mapping({}).get("aws:username") is None


def test_a_list_makes_a_multivalued_key_even_with_one_or_no_element() -> None:
    ctx = RequestContext.from_mapping({"aws:TagKeys": ["a", "b"], "one": ["x"], "none": []})
    assert ctx.get("aws:TagKeys") == ("a", "b")
    assert ctx.is_multivalued("AWS:tagkeys")
    assert ctx.is_multivalued("one")
    assert ctx.get("none") == ()
    assert ctx.is_multivalued("none")
    assert not RequestContext.from_mapping({"k": "v"}).is_multivalued("k")
    assert not RequestContext.from_mapping({}).is_multivalued("k")


def test_list_elements_are_normalised_too() -> None:
    ctx = RequestContext.from_mapping({"k": [1, True, "x", 2.5]})
    assert ctx.get("k") == ("1", "true", "x", "2.5")


def test_keys_are_reported_as_given() -> None:
    ctx = RequestContext.from_mapping({"aws:SourceIp": "1.2.3.4", "s3:Prefix": "a"})
    assert ctx.keys() == ("aws:SourceIp", "s3:Prefix")
    assert len(ctx) == 2
    assert list(ctx) == ["aws:SourceIp", "s3:Prefix"]


def test_unicode_values_are_kept() -> None:
    ctx = RequestContext.from_mapping({"aws:PrincipalTag/team": "équipe-日本"})
    assert ctx.get("aws:principaltag/TEAM") == ("équipe-日本",)


def test_none_and_empty_give_the_empty_context() -> None:
    assert len(RequestContext.from_mapping(None)) == 0
    assert len(RequestContext.from_mapping({})) == 0


@pytest.mark.parametrize("bad", [None, {"a": 1}, [[1]], object(), float("nan"), float("inf")])
def test_other_values_raise_invalid_context_with_the_key_in_the_path(bad: object) -> None:
    with pytest.raises(PolicyError) as err:
        RequestContext.from_mapping({"aws:username": bad})
    assert err.value.code == "invalid_context"
    assert err.value.path == "request.context.aws:username"


def test_a_list_with_a_bad_element_raises() -> None:
    with pytest.raises(PolicyError) as err:
        RequestContext.from_mapping({"aws:TagKeys": ["a", None]})
    assert err.value.code == "invalid_context"
    assert err.value.path == "request.context.aws:TagKeys"


def test_keys_differing_only_in_case_are_rejected() -> None:
    with pytest.raises(PolicyError) as err:
        RequestContext.from_mapping({"aws:username": "a", "AWS:USERNAME": "b"})
    assert err.value.code == "invalid_context"


def test_a_non_mapping_context_is_rejected() -> None:
    with pytest.raises(PolicyError) as err:
        RequestContext.from_mapping(["aws:username"])  # type: ignore[arg-type]
    assert err.value.code == "invalid_context"
    assert err.value.path == "request.context"


def test_context_is_immutable() -> None:
    ctx = RequestContext.from_mapping({"k": "v"})
    with pytest.raises(AttributeError):
        ctx.x = 1  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        RequestContext()


def test_to_dict_round_trips() -> None:
    raw = {"k": "v", "m": ["a", "b"], "e": []}
    assert RequestContext.from_mapping(raw).to_dict() == raw
    assert RequestContext.from_mapping(raw) == RequestContext.from_mapping(raw)
