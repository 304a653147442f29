"""The bounded memo behind the catalogue's and the linter's caches."""

from srm_trainer.iam.memo import Memo


def test_it_keeps_within_its_bound_dropping_the_least_recently_used():
    memo: Memo[str] = Memo(10, weigh=len)
    memo.put("a", "xxxx")
    memo.put("b", "xxxx")
    assert memo.get("a") == "xxxx"  # now "b" is the least recently used
    memo.put("c", "xxxx")
    assert memo.get("b") is None
    assert memo.get("a") == memo.get("c") == "xxxx"
    assert memo.weight <= 10


def test_an_entry_larger_than_the_bound_is_not_kept():
    memo: Memo[str] = Memo(3, weigh=len)
    memo.put("big", "xxxx")
    assert memo.get("big") is None and len(memo) == 0


def test_replacing_an_entry_counts_its_weight_once():
    memo: Memo[str] = Memo(10, weigh=len)
    memo.put("a", "xxxxxx")
    memo.put("a", "xx")
    assert memo.weight == 2
