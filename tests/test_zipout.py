"""Zip packages are byte-reproducible and keep entry order and storage as asked."""

from __future__ import annotations

import datetime
import zipfile

from statementpress.zipout import Entry, write_zip

WHEN = datetime.datetime(2020, 7, 16, tzinfo=datetime.UTC)


def test_same_entries_same_bytes(tmp_path):
    entries = [Entry("mimetype", b"application/epub+zip", compress=False), Entry("a.xml", b"<a/>")]
    one = write_zip(tmp_path / "1.zip", entries, WHEN).read_bytes()
    two = write_zip(tmp_path / "2.zip", entries, WHEN).read_bytes()
    assert one == two
    with zipfile.ZipFile(tmp_path / "1.zip") as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == ["mimetype", "a.xml"]
        assert infos[0].compress_type == zipfile.ZIP_STORED
        assert infos[1].compress_type == zipfile.ZIP_DEFLATED
        assert infos[0].date_time == (2020, 7, 16, 0, 0, 0)


def test_dates_before_1980_are_clamped(tmp_path):
    old = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    write_zip(tmp_path / "x.zip", [Entry("a", b"a")], old)
    with zipfile.ZipFile(tmp_path / "x.zip") as zf:
        assert zf.infolist()[0].date_time == (1980, 1, 1, 0, 0, 0)
