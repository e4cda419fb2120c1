import sqlite3


def test_schema_roundtrip(tmp_path):
    db = sqlite3.connect(tmp_path / "notes.db")
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    db.execute("INSERT INTO notes (body) VALUES ('hello')")
    assert db.execute("SELECT body FROM notes").fetchone() == ("hello",)
