"""JupyterHub configuration for serving the course to a class from one Linux machine.

Start it with `sudo npx tsx scripts/hub.ts` (`sudo npm run hub` in a full checkout) from the
course's shared install (see the README's "A class on JupyterHub"); that command installs the
tslab kernel for every user and sets the variables read below. To add your own settings (an
authenticator, admin users, limits), write a config file that starts with

    c = get_config()
    load_subconfig("/opt/mtl-course/jupyterhub/jupyterhub_config.py")

and pass it with `--config /path/to/your_config.py`.

What it sets up:
- the proxy is configurable-http-proxy from the course's node_modules, run by the course's Node;
- each student's server runs as that student (LocalProcessSpawner, the default: students are the
  machine's users, and log in with their passwords through PAM, the default authenticator);
- before each server starts, jupyterhub/start-student.sh brings the student's own copy of the
  course (~/mtl-course) up to date: files the course gained are copied in, nothing of theirs is
  replaced; the library, packages and scripts are links to the shared install, so the course's
  npm scripts work in that folder.
"""
import os
import shutil
from importlib.util import find_spec

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

COURSE = os.environ.get("MTL_COURSE_DIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE = os.environ.get("MTL_NODE") or shutil.which("node") or "/usr/bin/node"
STUDENT_DIR = "mtl-course"  # each student's copy, under their home

# Debian's own configurable-http-proxy package does not load under NodeSource's Node (its modules
# live in Debian's /usr/share/nodejs), so the course ships the proxy as an npm package.
c.ConfigurableHTTPProxy.command = [
    NODE,
    os.path.join(COURSE, "node_modules", "configurable-http-proxy", "bin", "configurable-http-proxy"),
]

c.Spawner.cmd = ["/bin/sh", os.path.join(COURSE, "jupyterhub", "start-student.sh")]
c.Spawner.notebook_dir = "~/" + STUDENT_DIR

# PATH is rebuilt rather than inherited so that students get the course's Node and the system's
# tools, not root's personal PATH entries (which they could not read anyway).
path = [os.path.dirname(NODE), "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
environment = {
    "MTL_COURSE_DIR": COURSE,
    "MTL_NODE": NODE,
    "MTL_STUDENT_DIR": STUDENT_DIR,
    "PATH": ":".join(dict.fromkeys(path)),
}
# The kernel is installed system-wide (/usr/local/share/jupyter, where every user's Jupyter looks);
# a kernel installed elsewhere is passed on explicitly.
if os.environ.get("MTL_KERNEL_PATH"):
    environment["JUPYTER_PATH"] = os.environ["MTL_KERNEL_PATH"]
# Without JupyterLab, jupyterhub-singleuser would try jupyter_server first (it may be installed
# for other reasons) and serve no notebook interface; the classic Notebook is what Debian has.
if find_spec("jupyterlab") is None:
    environment["JUPYTERHUB_SINGLEUSER_APP"] = "notebook.notebookapp.NotebookApp"
c.Spawner.environment = environment

# Starting a kernel-heavy course server on a busy machine can take a while.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
