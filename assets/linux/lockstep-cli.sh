#!/bin/sh
# `lockstep`, the command line of an installed Lockstep (npm run package puts this file at resources/bin/lockstep;
# the .deb links /usr/bin/lockstep to it). It runs the CLI on the Node inside Lockstep's own Electron runtime
# (ELECTRON_RUN_AS_NODE=1), so no system Node is needed. The app itself is the `lockstep` executable two folders up.
resources="$(dirname "$(dirname "$(readlink -f "$0")")")"
ELECTRON_RUN_AS_NODE=1 exec "$(dirname "$resources")/lockstep" "$resources/app.asar/bin/lockstep.js" "$@"
