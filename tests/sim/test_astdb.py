from __future__ import annotations

from pyst_sim.state import AstDB


def test_put_get_delete() -> None:
    db = AstDB()
    assert db.get("fam", "k") is None
    db.put("fam", "k", "v")
    assert db.get("fam", "k") == "v"
    assert db.delete("fam", "k") is True
    assert db.delete("fam", "k") is False
    assert len(db) == 0


def test_tree_and_deltree_use_full_paths() -> None:
    db = AstDB(
        {"/testfam/sub/key3": "c", "testfam/key1": "a", "/testfam/key2": "b", "/other/x": "y"}
    )
    assert db.tree("testfam") == [
        ("/testfam/key1", "a"),
        ("/testfam/key2", "b"),
        ("/testfam/sub/key3", "c"),
    ]
    assert db.tree("testfam", "sub") == [("/testfam/sub/key3", "c")]
    assert len(db.tree()) == 4
    # A key prefix that is not a path component is not below it.
    assert db.deltree("testfam", "key") == 0
    assert db.deltree("testfam", "sub") == 1
    assert db.deltree("testfam") == 2
    assert list(db) == ["/other/x"]
    assert db.as_dict() == {"/other/x": "y"}
