#!/bin/sh
# Starts one student's Jupyter server on the class hub. JupyterHub runs it as the student, with
# the single-user server's arguments; it first brings the student's own copy of the course up to
# date (only files they lack are copied; nothing of theirs is replaced), then becomes the server.
set -u
dest="$HOME/${MTL_STUDENT_DIR:-mtl-course}"
if ! "$MTL_NODE" --import "file://$MTL_COURSE_DIR/node_modules/tsx/dist/loader.mjs" \
  "$MTL_COURSE_DIR/scripts/student-copy.ts" "$dest"; then
  # Still start, in the home folder, so that the student can see what is in the way and fix it
  # (a server that failed to start would leave them no way to).
  echo "Starting in $HOME instead of $dest: fix the problem above, then restart your server." >&2
  JUPYTERHUB_ROOT_DIR="$HOME"
  export JUPYTERHUB_ROOT_DIR
fi
exec jupyterhub-singleuser "$@"
