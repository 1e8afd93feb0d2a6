#pragma once
// --ext-exit (as mbsync's): `sync` adds bits to its exit code saying what changed, so that a script
// can tell "nothing changed" from "new mail arrived" without parsing output. The base code (0..4)
// keeps its meaning in the low bits: code & 31 is the plain exit code, code & ~31 the change bits.
#include <vector>

#include "mailtwin/engine/folder_sync.hpp"

namespace mailtwin::engine {

inline constexpr int k_exit_bit_messages = 32;   // messages downloaded or uploaded
inline constexpr int k_exit_bit_flags = 64;      // flags changed, on either side
inline constexpr int k_exit_bit_expunged = 128;  // messages expunged on the server or deleted locally

// The bits of one folder: what it did (synced), or would do (--dry-run, outcome planned). A failed
// or unchanged folder adds nothing.
int change_bits(const FolderResult& result);
int change_bits(const std::vector<FolderResult>& results);

}  // namespace mailtwin::engine
