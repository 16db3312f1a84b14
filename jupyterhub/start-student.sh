#!/bin/sh
# Starts one student's Jupyter server on the class hub. JupyterHub runs it as the student, with
# the single-user server's arguments; it first brings the student's own copy of the course up to
# date (only files they lack are copied; nothing of theirs is replaced), then becomes the server.
set -u
dest="$HOME/${MTL_STUDENT_DIR:-mtl-course}"
"$MTL_NODE" --import "file://$MTL_COURSE_DIR/node_modules/tsx/dist/loader.mjs" \
  "$MTL_COURSE_DIR/scripts/student-copy.ts" "$dest" || exit 1
exec jupyterhub-singleuser "$@"
