#pragma once
// Unique Maildir names, per https://cr.yp.to/proto/maildir.html:
//   <seconds>.M<microseconds>P<pid>Q<counter>.<hostname>
// Within a process the counter (atomic) separates names; across processes the pid does (a fork()ed
// child has its own pid even though it inherits the counter); across hosts the host name does.
// In the host name '/' becomes "\057" and ':' becomes "\072" so the name stays a single path
// component without an info separator.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailtwin::maildir {

struct UniqueNameParts {
    std::int64_t seconds = 0;
    std::int64_t microseconds = 0;
    std::int64_t pid = 0;
    std::uint64_t counter = 0;
    std::string hostname;  // encoded (encode_hostname)

    friend bool operator==(const UniqueNameParts&, const UniqueNameParts&) = default;
};

// '/' -> "\057", ':' -> "\072"; everything else unchanged.
std::string encode_hostname(std::string_view raw);
// This machine's host name, encoded; read once per process.
const std::string& local_hostname();

// Renders the parts as a name; parts.hostname must already be encoded.
std::string render_unique_name(const UniqueNameParts& parts);
// Parses a name in exactly the form above (no info suffix, no ",S=" fields); nullopt otherwise.
std::optional<UniqueNameParts> parse_unique_name(std::string_view name);

// A fresh unique name: now, this pid, the next value of the process-wide counter, this host.
std::string make_unique_name();

}  // namespace mailtwin::maildir
