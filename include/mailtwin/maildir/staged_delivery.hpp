#pragma once
// Deliveries in batches: the same guarantees as MessageWriter::commit (data durable before the name
// appears, the name durable before success is reported), at a fraction of the cost for many messages.
//
//   MessageWriter::stage()  each message complete and dated in tmp/, not synced, not visible
//   commit_staged()         1. syncfs(): every staged file's data is durable, in one flush
//                           2. rename each into new/ or cur/ (never replacing a file)
//                           3. fsync new/ and cur/ once each
// Per-message fsyncs (two per message) dominate a large download; one syncfs and two directory
// fsyncs per batch remove that cost. A process killed mid-batch leaves only tmp/ files (clean_tmp
// removes them) or messages that are complete on disk but not yet in the state, which the sync finds
// by identity (the intent rows), so nothing is lost or duplicated.
#include <filesystem>
#include <vector>

#include "mailtwin/maildir/delivery.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::maildir {

// A complete message in tmp/, owned: removed by the destructor unless committed.
class StagedMessage {
public:
    StagedMessage(std::filesystem::path tmp_path, Delivered target)
        : m_tmp_path(std::move(tmp_path)), m_target(std::move(target)) {}
    StagedMessage(StagedMessage&& other) noexcept;
    StagedMessage& operator=(StagedMessage&& other) noexcept;
    StagedMessage(const StagedMessage&) = delete;
    StagedMessage& operator=(const StagedMessage&) = delete;
    ~StagedMessage();

    [[nodiscard]] const Delivered& target() const noexcept { return m_target; }
    [[nodiscard]] const std::filesystem::path& tmp_path() const noexcept { return m_tmp_path; }
    // Called by commit_staged once the file is in place: the destructor then leaves it alone.
    void release() noexcept { m_tmp_path.clear(); }

private:
    std::filesystem::path m_tmp_path;
    Delivered m_target;
};

struct StagedCommit {
    std::vector<Delivered> delivered;  // in the order given, those that made it
    std::optional<util::Error> error;  // the first failure; later messages were not attempted
};

// Commits a batch staged in one folder. Messages are renamed in order; on a failure the rest stay in
// tmp/ and are removed by their destructors.
StagedCommit commit_staged(const std::filesystem::path& folder_dir, std::vector<StagedMessage>& batch);

}  // namespace mailtwin::maildir
