"""App commands (Flask's `flask init-db`) run by gw-cmd, and the instance
folder it makes for them (Flask's app.instance_path), on t/apps/fwapp.c."""

import os
import subprocess

from harness import BUILD

FWAPP = os.path.join(BUILD, "t", "apps", "fwapp.so")
GW_CMD = os.path.join(BUILD, "gw-cmd")


def gw_cmd(*args):
    return subprocess.run([GW_CMD] + list(args), capture_output=True,
                          text=True, timeout=60)


def test_lists_commands(tmp_path):
    for args in ([FWAPP], ["--help", FWAPP], [FWAPP, "--help"]):
        p = gw_cmd("--config", "ROOT_PATH=%s" % tmp_path, *args)
        assert p.returncode == 0, p.stderr
        lines = p.stdout.splitlines()
        assert lines[0].startswith("usage: gw-cmd")
        assert "Commands:" in lines
        assert lines[lines.index("Commands:") + 1:] == [
            "  init-db          Clear the existing data and create new "
            "tables.",
            "  echo             Print the arguments.",
            "  fail"]
    # listing runs nothing and makes no folder
    assert not (tmp_path / "instance").exists()


def test_runs_a_command_with_its_arguments(tmp_path):
    p = gw_cmd("--config", "ROOT_PATH=%s" % tmp_path, FWAPP, "echo", "a b",
               "--config", "x")
    assert p.returncode == 0, p.stderr
    assert p.stdout == "echo a b --config x\n"


def test_exit_status_is_the_commands(tmp_path):
    p = gw_cmd("--config", "ROOT_PATH=%s" % tmp_path, FWAPP, "fail")
    assert p.returncode == 3
    assert p.stderr == "fail: as asked\n"


def test_init_db_in_the_instance_folder(tmp_path):
    """The default instance folder is ROOT_PATH/instance, made before the
    command runs (loading the app, as nginx -t does, makes nothing)."""
    p = subprocess.run([os.path.join(BUILD, "gw-routes"), "--config",
                        "ROOT_PATH=%s" % tmp_path, FWAPP],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert not (tmp_path / "instance").exists()

    p = gw_cmd("--config", "ROOT_PATH=%s" % tmp_path, FWAPP, "init-db")
    assert p.returncode == 0, p.stderr
    assert p.stdout == "Initialized the database.\n"
    assert (tmp_path / "instance" / "fwapp.db").read_text() == "initialised\n"


def test_instance_path_from_config(tmp_path):
    """INSTANCE_PATH is relative to ROOT_PATH; missing parents are made."""
    p = gw_cmd("--config", "ROOT_PATH=%s" % tmp_path, "--config",
               "INSTANCE_PATH=var/site", FWAPP, "init-db")
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "var" / "site" / "fwapp.db").exists()

    env = dict(os.environ, GATEWAY_INSTANCE_PATH=str(tmp_path / "abs"))
    p = subprocess.run([GW_CMD, FWAPP, "init-db"], capture_output=True,
                       text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "abs" / "fwapp.db").exists()


def test_instance_folder_that_cannot_be_made(tmp_path):
    (tmp_path / "file").write_text("")
    p = gw_cmd("--config", "INSTANCE_PATH=%s/file/x" % tmp_path, FWAPP,
               "init-db")
    assert p.returncode == 1
    assert "instance folder" in p.stderr and "file/x" in p.stderr


def test_refuses_what_it_cannot_run(tmp_path):
    p = gw_cmd("--config", "ROOT_PATH=%s" % tmp_path, FWAPP, "nope")
    assert p.returncode == 2
    assert 'no command "nope"' in p.stderr and "init-db" in p.stdout
    assert not (tmp_path / "instance").exists()
    p = gw_cmd(os.path.join(BUILD, "examples", "echo.so"), "x")
    assert p.returncode == 1 and "not a framework app" in p.stderr
    p = gw_cmd(str(tmp_path / "none.so"), "x")
    assert p.returncode == 1 and "cannot open application" in p.stderr
    p = gw_cmd()
    assert p.returncode == 2 and p.stderr.startswith("usage: gw-cmd")
    p = gw_cmd("--sort", FWAPP)
    assert p.returncode == 2 and "usage" in p.stderr


def test_demo_init_db():
    """The demo's init-db loads data/notes.json again, whatever the
    database held, as flaskr's `flask init-db` does."""
    import shutil
    import sqlite3
    from demo_site import APP, NOTES, config
    from harness import demo_site_copy
    root = demo_site_copy()
    try:
        args = [GW_CMD]
        for kv in config(root):
            args += ["--config", "%s=%s" % kv]
        args += [APP, "init-db"]
        db_path = os.path.join(root, "data", "notes.db")
        p = subprocess.run(args, capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        assert p.stdout == "Initialized the database.\n"
        db = sqlite3.connect(db_path)
        db.execute("DELETE FROM notes")
        db.commit()
        assert db.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
        db.close()

        p = subprocess.run(args, capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        db = sqlite3.connect(db_path)
        assert db.execute("SELECT count(*) FROM notes").fetchone()[0] \
            == len(NOTES)
        db.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
