// SPDX-License-Identifier: GPL-3.0-or-later
// Every file a command-line mode reads passes through here first. It must be a regular file: a
// FIFO blocks the open (or the read) for ever, a directory cannot be read, and a device such as
// /dev/zero never ends. And what is read whole is read with a cap, so endless or enormous input
// is refused with a message instead of filling the memory.
#pragma once

#include <QByteArray>
#include <QString>

namespace attnviz::shell {

// Throws std::invalid_argument unless `path` names a regular file (symbolic links followed):
//   "PATH: cannot read: No such file or directory"
//   "PATH: is a directory"
//   "PATH: is a FIFO (named pipe), not a regular file"   (likewise a device, a socket)
// It only looks (stat), it never opens: a FIFO is refused without blocking.
void require_regular_file(const QString& path);
// The same, and at most `cap` bytes long: "PATH: larger than the 256 MB limit of a sentence-pair
// file" (`what` is "a sentence-pair file"), for a file that another reader reads whole.
void require_regular_file(const QString& path, qint64 cap, const char* what);

// Reads `path` whole, or standard input when `path` is "-", and refuses more than `cap` bytes
// without reading past the cap: "PATH: larger than the 64 MB limit of a session" (`what` is
// "a session"). A path is checked with require_regular_file first, and opened without
// blocking. Throws std::invalid_argument; messages start with PATH, or "stdin".
QByteArray read_capped(const QString& path, qint64 cap, const char* what);

}  // namespace attnviz::shell
