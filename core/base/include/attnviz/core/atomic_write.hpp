// SPDX-License-Identifier: GPL-3.0-or-later
// Saving a file so that nothing is lost and nothing is replaced that should not be: the one
// writer every core save goes through (models, exported tensors; the command line's --save).
//
//   1. The target's symbolic links are followed to the REAL path (a link to a model stays a
//      link; the file it points at is the one replaced).
//   2. A real target that exists and is not a regular file (a device such as /dev/full or
//      /dev/null, a directory, a FIFO, a socket) is refused with a message: renaming over it
//      would turn the device node into a regular file.
//   3. The bytes go to a new temporary file in the real target's directory (same filesystem,
//      so the rename is atomic), are flushed with fsync, and the temporary is renamed over the
//      target. On any failure the temporary is removed and the old file is left as it was.
//   4. A replaced file keeps its permission bits; a new one gets 0666 minus the umask.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>

namespace attnviz::files {

// Follows `path`'s symbolic links (the last component, repeatedly, as open(2) would; at most
// 40 hops) and returns the path that a write would really replace. A dangling link resolves to
// the missing path it names. Throws std::invalid_argument on a link loop.
std::filesystem::path resolve_save_target(const std::filesystem::path& path);

// Checks, without writing anything, what write_atomically would refuse up front: not a file
// name, a link loop, an existing real target that is not a regular file, a missing directory.
// For commands that work a long time before they save (train --save): refuse at the start.
// Throws std::invalid_argument with write_atomically's message; returns the real target.
std::filesystem::path check_save_target(const std::filesystem::path& path);

// Writes `bytes` to `path` as described above. Throws std::invalid_argument whose message
// starts with "cannot save PATH: " and says why (not a regular file, no such directory,
// permission denied, no space left on device, ...).
void write_atomically(const std::filesystem::path& path, std::span<const std::byte> bytes);
// The same with the file's bytes given as consecutive pieces (a header, then tensors in the
// caller's own buffers), written in order without joining them first.
void write_atomically(const std::filesystem::path& path, std::span<const std::span<const std::byte>> pieces);
void write_atomically(const std::filesystem::path& path, std::string_view text);

}  // namespace attnviz::files
