import signal
import subprocess
import sys
import time

import pytest

from mlcore.storage import model_dirs


def write_two(folder):
    (folder / "a.txt").write_text("a")
    (folder / "sub").mkdir()
    (folder / "sub" / "b.txt").write_text("b")


def test_save_writes_the_whole_directory_and_nothing_beside(tmp_path):
    directory = model_dirs.save(tmp_path / "models" / "v1", write_two)
    assert (directory / "a.txt").read_text() == "a"
    assert (directory / "sub" / "b.txt").read_text() == "b"
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["v1"]


def test_a_saved_directory_is_never_replaced(tmp_path):
    model_dirs.save(tmp_path / "v1", write_two)
    with pytest.raises(FileExistsError, match="never replaced"):
        model_dirs.save(tmp_path / "v1", lambda folder: (folder / "c.txt").write_text("c"))
    staged = model_dirs.stage(tmp_path, lambda folder: (folder / "c.txt").write_text("c"))
    with pytest.raises(FileExistsError):
        model_dirs.publish(staged, tmp_path / "v1")
    assert sorted(p.name for p in (tmp_path / "v1").iterdir()) == ["a.txt", "sub"]


def test_a_failed_write_leaves_nothing(tmp_path):
    def fail(folder):
        (folder / "a.txt").write_text("a")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        model_dirs.save(tmp_path / "v1", fail)
    assert list(tmp_path.iterdir()) == []


def test_a_process_killed_while_writing_leaves_no_directory_under_the_name(tmp_path):
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from mlcore.storage import model_dirs\n"
            "def slow(folder):\n"
            "    (folder / 'a.txt').write_text('a')\n"
            "    print('writing', flush=True)\n"
            "    time.sleep(60)\n"
            "model_dirs.save(Path(sys.argv[1]), slow)\n",
            str(tmp_path / "v1"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline().strip() == "writing"
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    time.sleep(0.1)
    assert not (tmp_path / "v1").exists()
    left = [p.name for p in tmp_path.iterdir()]
    assert all(name.startswith(model_dirs.STAGING_PREFIX) for name in left)
