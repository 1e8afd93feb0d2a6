#pragma once
// Progress of long work, for a live display (src/app) or none. The engine calls these from the
// thread that runs the account; implementations must be cheap (a display throttles its redraws).
#include <cstdint>
#include <string>

namespace mailtwin::engine {

class Progress {
public:
    virtual ~Progress() = default;
    // A folder starts copying: how many messages and bytes are to be downloaded and uploaded.
    virtual void folder_started(const std::string& account, const std::string& folder, std::uint64_t messages,
                                std::uint64_t bytes) = 0;
    // More of it is done (cumulative counts for that folder).
    virtual void folder_advanced(const std::string& account, const std::string& folder, std::uint64_t messages_done,
                                 std::uint64_t bytes_done) = 0;
    virtual void folder_finished(const std::string& account, const std::string& folder) = 0;
};

}  // namespace mailtwin::engine
