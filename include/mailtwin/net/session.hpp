#pragma once
// The IMAP operations mailtwin's sync needs, over one authenticated Connection, each choosing the
// best path the server's capabilities allow and falling back where an extension is missing:
//   no LIST-STATUS        -> LIST, then pipelined STATUS per selectable folder
//   no CONDSTORE/QRESYNC  -> full UID FETCH 1:* (UID FLAGS); deletions from the UID list
//   CONDSTORE, no QRESYNC -> CHANGEDSINCE for flags, UID SEARCH ALL (ESEARCH when offered) for deletions
//   no MOVE               -> UID COPY + UID STORE +FLAGS.SILENT (\Deleted) + UID EXPUNGE
//   no UIDPLUS            -> new UIDs found by searching the Message-ID header; plain EXPUNGE is never
//                            used (it would expunge messages that other clients marked \Deleted)
//   no LITERAL+           -> synchronizing literals (the encoder and connection handle it)
// Mailbox names are UTF-8 here; the wire form (modified UTF-7 or UTF8=ACCEPT) stays below.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/imap/encoder.hpp"
#include "mailtwin/imap/response.hpp"
#include "mailtwin/imap/seqset.hpp"
#include "mailtwin/imap/uid_set.hpp"
#include "mailtwin/model/flags.hpp"
#include "mailtwin/model/ids.hpp"
#include "mailtwin/net/connection.hpp"
#include "mailtwin/net/server_claims.hpp"
#include "mailtwin/net/write_log.hpp"

namespace mailtwin::net {

struct FolderInfo {
    std::string name;                        // UTF-8
    std::string wire_name;                   // as the server spells it
    std::optional<char> delimiter;           // hierarchy separator, nullopt for a flat namespace
    std::uint32_t attributes = 0;            // imap::MailboxAttr bits
    bool selectable = true;                  // not \Noselect / \NonExistent
    std::optional<imap::StatusData> status;  // MESSAGES UIDNEXT UIDVALIDITY [HIGHESTMODSEQ] [MAILBOXID]
    // The server's MAILBOXID (RFC 8474), asked for when it announces OBJECTID: it stays the same across
    // a RENAME, which is how a renamed folder is told from a deleted one and a new one. Empty: none.
    std::string mailbox_id;
};

struct SelectResult {
    model::UidValidity uidvalidity = 0;
    model::Uid uidnext = 0;
    model::ModSeq highestmodseq = 0;  // 0 with NOMODSEQ or without CONDSTORE
    bool nomodseq = false;
    std::uint32_t exists = 0;
    bool read_only = false;
    // PERMANENTFLAGS: the flags the server keeps on this folder's messages; nullopt when it sent
    // none, which RFC 3501 §7.1 reads as "every flag".
    std::optional<imap::FlagList> permanent_flags;
    // QRESYNC select: what changed since the given modseq (RFC 7162 §3.2.5.1).
    imap::UidSet vanished;
    std::vector<imap::FetchData> changed;
};

struct QresyncKnown {
    model::UidValidity uidvalidity = 0;
    model::ModSeq modseq = 0;
};

struct MessageFlags {
    model::Uid uid = 0;
    model::FlagSet flags;
    model::ModSeq modseq = 0;
};

struct FlagChanges {
    std::vector<MessageFlags> changed;  // every message when fetched in full
    imap::UidSet vanished;              // QRESYNC only
};

// Sorts by UID and keeps one entry per UID: the last received (a server may send an unsolicited
// FETCH (FLAGS) for a message besides its answer, e.g. Exchange after STORE .SILENT), with the
// highest MODSEQ seen for it.
void keep_latest_per_uid(std::vector<MessageFlags>& flags);

struct MessageMeta {
    model::Uid uid = 0;
    model::FlagSet flags;
    std::uint64_t size = 0;
    std::optional<imap::InternalDate> internal_date;
    std::string message_id;    // the Message-ID header value, "" if none
    std::string header_block;  // the fetched header fields (Message-ID, Date, From, Subject), raw
    std::string body_start;    // the first body_start_bytes of the body (BODY[TEXT]<0.n>), raw; all of a shorter one
};

// Receives bodies of fetch_bodies(): for each message begin/data.../end while its literal streams in,
// then message() once its whole FETCH response is read (with UID, flags, INTERNALDATE, size). A
// message() without a preceding body is an unsolicited flag update and may be ignored.
class BodyConsumer {
public:
    virtual ~BodyConsumer() = default;
    virtual void begin_body(std::uint64_t size) = 0;
    virtual void body_data(std::string_view chunk) = 0;
    virtual void end_body() = 0;
    virtual void message(const imap::FetchData& fetched) = 0;
};

struct AppendItem {
    imap::AppendMessage message;  // flags, INTERNALDATE, body payload
    std::string message_id;       // used to find the new UID when the server lacks UIDPLUS
};

struct StoreRequest {
    imap::SeqSet uids;
    imap::StoreMode mode = imap::StoreMode::add;
    model::FlagSet flags;
};

// UID of each appended or moved message, by position (nullopt where the server did not say and the
// search found nothing unique).
using UidMapping = std::vector<std::optional<model::Uid>>;

class Session {
public:
    explicit Session(Connection& connection) : m_conn(connection) {}
    // With `writes`, every command that changes a folder counts what it did there (write_log.hpp).
    Session(Connection& connection, WriteLog* writes) : m_conn(connection), m_writes(writes) {}

    Connection& connection() noexcept { return m_conn; }
    [[nodiscard]] const WriteLog* writes() const noexcept { return m_writes; }

    // With `namespaces`, NAMESPACE goes in the same pipeline as the LIST (one round trip for both)
    // and fills it; without the NAMESPACE capability it gets one personal namespace "" (RFC 2342 absent).
    // With `with_status` and OBJECTID, MAILBOXID is asked in a STATUS of its own (a second LIST-STATUS
    // round trip, or one more STATUS per folder in the fallback batch) and fills
    // FolderInfo::mailbox_id: Cyrus 3.6 garbles the id when it is asked beside the counters.
    asio::awaitable<util::Expected<std::vector<FolderInfo>>> list_folders(bool with_status = true,
                                                                          imap::Namespaces* namespaces = nullptr);
    asio::awaitable<util::Expected<imap::StatusData>> status(const std::string& folder);

    asio::awaitable<util::Expected<SelectResult>> select(const std::string& folder,
                                                         std::optional<QresyncKnown> known = std::nullopt,
                                                         bool read_only = false);
    [[nodiscard]] const std::optional<std::string>& selected() const noexcept { return m_selected; }

    // Flags of the selected folder: all of them, or (CONDSTORE) those changed since `since`,
    // with VANISHED (EARLIER) when QRESYNC is enabled.
    asio::awaitable<util::Expected<FlagChanges>> fetch_flags(std::optional<model::ModSeq> since = std::nullopt);
    // Flags of these messages only (UID FETCH uids (UID FLAGS)), one entry per UID the server reported.
    asio::awaitable<util::Expected<std::vector<MessageFlags>>> fetch_flags_of(const imap::SeqSet& uids);
    // Every UID in the selected folder (ESEARCH when offered): the deletion diff without QRESYNC.
    asio::awaitable<util::Expected<std::vector<model::Uid>>> search_all_uids();
    asio::awaitable<util::Expected<std::vector<model::Uid>>> search_message_id(const std::string& message_id);
    // UID, FLAGS, RFC822.SIZE, INTERNALDATE, the Message-ID, Date, From and Subject header fields and,
    // when body_start_bytes > 0, that many first bytes of the body, all in the same FETCH.
    // `digest`, when given, sees each message as it arrives, before it is kept: it may take what it
    // needs from header_block and body_start and clear them, so that 100,000 new messages do not
    // hold 100 MB of body starts at once.
    using MetaDigest = std::function<void(MessageMeta&)>;
    asio::awaitable<util::Expected<std::vector<MessageMeta>>> fetch_meta(const imap::SeqSet& uids,
                                                                         std::size_t body_start_bytes = 0,
                                                                         const MetaDigest& digest = {});
    // BODY.PEEK[] of these messages, pipelined in batches, streamed to `consumer`.
    asio::awaitable<util::Expected<void>> fetch_bodies(const imap::SeqSet& uids, BodyConsumer& consumer);

    // APPEND (pipelined with LITERAL+, or MULTIAPPEND batches) to `folder`; returns the new UIDs.
    // An APPENDUID that breaks `expect` (server_claims.hpp) fails the call: the messages were sent,
    // but their UIDs are unknown. Found by search (no UIDPLUS), a UID below it is left unknown.
    asio::awaitable<util::Expected<UidMapping>> append(const std::string& folder, std::vector<AppendItem> items,
                                                       AppendExpectation expect = {});
    // +FLAGS/-FLAGS.SILENT; with unchanged_since, returns the UIDs the server refused as MODIFIED.
    asio::awaitable<util::Expected<imap::UidSet>> store_flags(const imap::SeqSet& uids, imap::StoreMode mode,
                                                              const model::FlagSet& flags,
                                                              std::optional<model::ModSeq> unchanged_since = {});
    // Several +FLAGS/-FLAGS.SILENT changes, all in one pipeline: one round trip for all of them.
    asio::awaitable<util::Expected<void>> store_many(const std::vector<StoreRequest>& requests);
    // Moves from the selected folder to several targets; with MOVE all in one pipeline (one round
    // trip), else one target after the other. Returns source UID -> target UID where the server said.
    asio::awaitable<util::Expected<std::map<model::Uid, model::Uid>>> move_many(
        const std::vector<std::pair<imap::SeqSet, std::string>>& moves);
    // Moves to `target`; returns source UID -> target UID where the server said (COPYUID).
    asio::awaitable<util::Expected<std::map<model::Uid, model::Uid>>> move(const imap::SeqSet& uids,
                                                                           const std::string& target);
    asio::awaitable<util::Expected<std::map<model::Uid, model::Uid>>> copy(const imap::SeqSet& uids,
                                                                           const std::string& target);
    // Expunges exactly these UIDs: marks them \Deleted, then UID EXPUNGE, or without UIDPLUS a plain EXPUNGE only when
    // no other message of the folder is marked \Deleted (else an error, and the messages stay marked).
    asio::awaitable<util::Expected<void>> expunge(const imap::SeqSet& uids);

    asio::awaitable<util::Expected<void>> create_folder(const std::string& folder);
    asio::awaitable<util::Expected<void>> delete_folder(const std::string& folder);
    // Leaves the selected folder without expunging anything: UNSELECT, or where the server lacks it
    // EXAMINE then CLOSE (a CLOSE of a read-only folder expunges nothing). A server may end the session
    // when the folder it has selected is deleted (Dovecot does), so delete_folder() leaves it first.
    asio::awaitable<util::Expected<void>> leave_selected();
    asio::awaitable<util::Expected<void>> rename_folder(const std::string& from, const std::string& to);
    asio::awaitable<util::Expected<imap::Namespaces>> namespaces();
    asio::awaitable<util::Expected<void>> noop();
    // NOTIFY SET for new mail, expunges and flag changes in every personal folder (RFC 5465).
    asio::awaitable<util::Expected<void>> notify_personal();

private:
    // AnswerLimits checks for the handlers that accumulate (Connection::within_limit).
    bool within_search_limit(std::uint64_t uids);
    bool keywords_within_limit(const imap::FetchData& fetched);
    // UID FETCH `uids` (UID FLAGS [MODSEQ]) with `modifiers`: the body of fetch_flags and fetch_flags_of.
    asio::awaitable<util::Expected<FlagChanges>> fetch_flags_in(const imap::SeqSet& uids,
                                                                const imap::FetchModifiers& modifiers);

    asio::awaitable<util::Expected<Reply>> run(util::Expected<imap::Command> command,
                                               const UntaggedHandler& on_untagged = {});
    asio::awaitable<util::Expected<Reply>> run_ok(util::Expected<imap::Command> command,
                                                  const UntaggedHandler& on_untagged = {});
    // UID MOVE (native_move) or UID COPY of each set to its target, all in one pipeline.
    asio::awaitable<util::Expected<std::map<model::Uid, model::Uid>>> pipelined_copy(
        const std::vector<std::pair<imap::SeqSet, std::string>>& copies, bool native_move);
    asio::awaitable<util::Expected<std::map<model::Uid, model::Uid>>> copy_like(const imap::SeqSet& uids,
                                                                                const std::string& target, bool move);
    asio::awaitable<util::Expected<void>> expunge_without_uidplus(const imap::SeqSet& uids);
    // Appends the UID STORE commands for `uids` (split to safe lengths) to `batch`.
    util::Expected<void> add_store_commands(std::vector<imap::Command>& batch, const imap::SeqSet& uids,
                                            imap::StoreMode mode, const model::FlagSet& flags,
                                            std::optional<model::ModSeq> unchanged_since);
    asio::awaitable<util::Expected<void>> resolve_without_uidplus(const std::string& folder,
                                                                  const std::vector<AppendItem>& items,
                                                                  UidMapping& uids);

    // Marks `folder` written and its effect unknown until done() says how many messages it added
    // and removed; a command that returns early (an error) leaves it uncertain.
    class WriteCount {
    public:
        WriteCount(WriteLog* log, const std::string& folder);
        void done(std::uint64_t added, std::uint64_t removed);

    private:
        FolderWrites* m_entry = nullptr;
        bool m_was_uncertain = false;
    };

    Connection& m_conn;
    std::optional<std::string> m_selected;
    WriteLog* m_writes = nullptr;
};

}  // namespace mailtwin::net
