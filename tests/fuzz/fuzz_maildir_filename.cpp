// libFuzzer target for Maildir file names (maildir::parse_file_name and friends). A scan meets names
// written by any program, so every byte string must parse or fail cleanly, and what parses must
// survive the round trip mailtwin performs when it renames a file to change flags:
//   - key_of(name) is the parsed key, and parse_key_fields(key) gives the parsed sizes;
//   - rendering the parsed name and parsing it again gives the same FileName (the rename is stable);
//   - names without flag info render back byte for byte (mailtwin never rewrites what it leaves alone);
//   - flag letters come out in ASCII order without repeats, as the Maildir spec asks.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mailtwin/maildir/filename.hpp"

using namespace mailtwin::maildir;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view name(reinterpret_cast<const char*>(data), size);
    auto parsed = parse_file_name(name);
    // key_of never allocates and never fails; it must at least stay within the name.
    const std::string_view key = key_of(name);
    if (key.size() > name.size()) std::abort();
    if (!parsed) return 0;

    if (parsed->key.empty() || parsed->key != key) std::abort();
    const KeyFields fields = parse_key_fields(parsed->key);
    if (fields.size != parsed->size || fields.vsize != parsed->vsize) std::abort();

    const std::string rendered = render_file_name(*parsed);
    if (parsed->info != InfoKind::v2 && rendered != name) std::abort();
    auto again = parse_file_name(rendered);
    if (!again || !(*again == *parsed)) std::abort();

    const std::string letters = parsed->flags.letters();
    if (!std::is_sorted(letters.begin(), letters.end())) std::abort();
    if (std::adjacent_find(letters.begin(), letters.end()) != letters.end()) std::abort();
    if (!(MaildirFlags::from_letters(letters) == parsed->flags)) std::abort();

    // The name mailtwin gives a message in cur/ after a flag change parses back to the same key and flags.
    const std::string moved = render_file_name(parsed->key, parsed->flags, parsed->separator);
    auto moved_parsed = parse_file_name(moved);
    if (!moved_parsed || moved_parsed->key != parsed->key || !(moved_parsed->flags == parsed->flags)) std::abort();
    return 0;
}

// The libraries are built with recoverable UBSan checks; a fuzz run must stop at the first report.
extern "C" const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }
