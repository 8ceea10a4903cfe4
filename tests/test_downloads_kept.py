"""A file made by a download click stays until the browser has fetched it, however many script
runs other sessions finish meanwhile (ui.server.keep_downloads)."""

from __future__ import annotations

from unittest import mock

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from ui import server


def click(manager: MediaFileManager) -> str:
    """A deferred download button of session "s1" and a click on it: the file's id."""
    with mock.patch("streamlit.runtime.media_file_manager._get_session_id", return_value="s1"):
        placeholder = manager.add_deferred(lambda: b"png bytes", "image/png", "coord", "a.png")
    url = manager.execute_deferred(placeholder)
    return url.rsplit("/", 1)[-1].split("?")[0].split(".")[0]


def other_sessions_rerun(manager: MediaFileManager, times: int) -> None:
    for _ in range(times):
        manager.remove_orphaned_files()  # what the end of any session's script run does


def test_streamlit_alone_deletes_a_clicked_file_after_two_other_runs():
    # If an upgrade stops doing this, keep_downloads is no longer needed.
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    file_id = click(manager)
    other_sessions_rerun(manager, 2)
    with pytest.raises(MediaFileStorageError):
        manager._storage.get_file(file_id)


def test_kept_files_survive_other_runs_then_go_after_the_grace():
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    assert server.keep_downloads(grace=60, manager=manager)
    assert server.keep_downloads(grace=60, manager=manager)  # once only
    file_id = click(manager)
    other_sessions_rerun(manager, 50)
    assert manager._storage.get_file(file_id).content == b"png bytes"
    with mock.patch("ui.server.time.monotonic", return_value=1e12):  # long after
        other_sessions_rerun(manager, 2)
    with pytest.raises(MediaFileStorageError):
        manager._storage.get_file(file_id)
