#include "mailtwin/engine/executor.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>

#include "mailtwin/store/appended_flags.hpp"
#include "mailtwin/engine/identity.hpp"
#include "mailtwin/maildir/delivery.hpp"
#include "mailtwin/maildir/folder.hpp"
#include "mailtwin/maildir/message_info.hpp"
#include "mailtwin/maildir/staged_delivery.hpp"
#include "mailtwin/net/server_claims.hpp"
#include "mailtwin/store/crlf_file_payload.hpp"

namespace mailtwin::store {
namespace {

constexpr std::size_t k_records_per_commit = 200;  // completed copies recorded per transaction
constexpr std::size_t k_uploads_per_batch = 50;

std::atomic<long> g_steps{0};

template <typename A>
std::vector<const A*> actions_of(const sync::Plan& plan) {
    std::vector<const A*> out;
    for (const auto& a : plan.actions)
        if (const A* x = std::get_if<A>(&a)) out.push_back(x);
    return out;
}

// Queues one record in the run's batch (state_batch.hpp). Bodies run after this function's locals
// are gone: they capture what they write by value, never `ctx`.
util::Expected<void> step(ExecContext& ctx, ExecStats& stats, StateBatch::Body body) {
    ++stats.state_steps;
    return ctx.batch.add(std::move(body));
}

// Tells the live display how far the copies of this folder are (downloads and uploads together).
void report_copies(const ExecContext& ctx, std::uint64_t messages, std::uint64_t bytes) {
    if (ctx.progress) ctx.progress->folder_advanced(ctx.where.account, ctx.where.folder, messages, bytes);
}

std::string hint(const ExecContext& ctx, const std::string& key) {
    auto it = ctx.local.file_names.find(key);
    return it == ctx.local.file_names.end() ? std::string() : it->second;
}

// The flags each local message has now: from the scan, or (unchanged folder) from the state.
// Built once per flag pass, so a thousand renames in a large folder are not a thousand scans of it.
std::map<std::string, model::FlagSet> current_local_flags(const ExecContext& ctx) {
    std::map<std::string, model::FlagSet> out;
    for (const auto& p : ctx.last.pairs.pairs)
        if (!p.key.empty()) out[p.key] = p.local_flags;
    for (const auto& m : ctx.local.view.messages) out[m.key] = m.flags;
    return out;
}

model::FlagSet apply(model::FlagSet f, const model::FlagSet& add, const model::FlagSet& remove) {
    for (const auto& fl : model::k_flag_letters) {
        if (add.has(fl.flag)) f.set(fl.flag);
        if (remove.has(fl.flag)) f.set(fl.flag, false);
    }
    for (const auto& k : add.keywords) f.keywords.insert(k);
    for (const auto& k : remove.keywords) f.keywords.erase(k);
    return f;
}

// ---------------------------------------------------------------------------------------------------

util::Expected<void> apply_state_only(ExecContext& ctx, ExecStats& stats, const sync::Plan& plan) {
    std::vector<sync::Action> actions;
    bool reset = false;
    for (const auto& a : plan.actions) {
        reset = reset || std::holds_alternative<sync::ResetUids>(a);
        if (std::holds_alternative<sync::ResetUids>(a) || std::holds_alternative<sync::Pair>(a) ||
            std::holds_alternative<sync::Detach>(a) || std::holds_alternative<sync::Forget>(a))
            actions.push_back(a);
    }
    if (actions.empty()) return {};
    std::vector<model::PairState> rows;  // every row, for ResetUids only
    if (reset) rows = ctx.last.pairs.pairs;
    return step(ctx, stats,
                [&db = ctx.db, where = ctx.where, actions = std::move(actions),
                 rows = std::move(rows)](state::WriteTxn& txn) -> util::Expected<void> {
                    for (const auto& a : actions) {
                        if (std::holds_alternative<sync::ResetUids>(a)) {
                            // Every row loses its UID; rows that only had a UID are dropped.
                            for (const auto& p : rows) {
                                if (auto r = drop_row(db, txn, where, p.uid, p.key); !r) return r;
                                if (p.key.empty()) continue;
                                model::PairState kept = p;
                                kept.uid = 0;
                                if (auto r = put_row(db, txn, where, kept); !r) return r;
                            }
                        } else if (const auto* pair = std::get_if<sync::Pair>(&a)) {
                            if (auto r = drop_row(db, txn, where, pair->uid, pair->key); !r) return r;
                            model::PairState row{
                                pair->uid,      pair->key, pair->remote_flags, pair->local_flags, pair->size,
                                pair->identity, false};
                            if (auto r = put_row(db, txn, where, row); !r) return r;
                        } else if (const auto* detach = std::get_if<sync::Detach>(&a)) {
                            auto row = find_row(db, txn, where, detach->uid, detach->key);
                            if (!row) return util::unexpected(std::move(row).error());
                            if (!*row) continue;
                            model::PairState kept = **row;
                            if (auto r = drop_row(db, txn, where, kept.uid, kept.key); !r) return r;
                            if (detach->gone == util::Side::remote)
                                kept.uid = 0;
                            else
                                kept.key.clear();
                            kept.detached = true;
                            if (kept.uid == 0 && kept.key.empty()) continue;
                            if (auto r = put_row(db, txn, where, kept); !r) return r;
                        } else if (const auto* forget = std::get_if<sync::Forget>(&a)) {
                            if (auto r = drop_row(db, txn, where, forget->uid, forget->key); !r) return r;
                        }
                    }
                    return {};
                });
}

asio::awaitable<util::Expected<void>> apply_flags(ExecContext& ctx, ExecStats& stats, const sync::Plan& plan) {
    auto changes = actions_of<sync::SetFlags>(plan);
    // Remote: one STORE per distinct (add, remove) pair, over all the UIDs that share it.
    std::map<std::pair<std::string, std::string>, std::pair<const sync::SetFlags*, std::vector<model::Uid>>> groups;
    for (const auto* c : changes) {
        if (c->side != util::Side::remote) continue;
        auto& g = groups[{c->add.to_imap(), c->remove.to_imap()}];
        g.first = c;
        g.second.push_back(c->uid);
    }
    std::vector<net::StoreRequest> stores;  // sent in one pipeline: one round trip for all groups
    for (auto& [names, group] : groups) {
        auto set = imap::SeqSet::from_uids(group.second);
        if (!group.first->add.to_imap().empty()) stores.push_back({set, imap::StoreMode::add, group.first->add});
        if (!group.first->remove.to_imap().empty())
            stores.push_back({set, imap::StoreMode::remove, group.first->remove});
        stats.flags_set += group.second.size();
    }
    if (auto r = co_await ctx.session.store_many(stores); !r) co_return r;
    // Local: a rename per message, as a mail reader would do it; one directory fsync for them all.
    std::map<std::string, model::FlagSet> local_now;
    maildir::PendingDirSyncs renamed;
    for (const auto* c : changes) {
        if (c->side != util::Side::local) continue;
        if (local_now.empty()) local_now = current_local_flags(ctx);
        model::FlagSet target = apply(local_now[c->key], c->add, c->remove);
        auto r =
            maildir::set_flags(ctx.folder_dir, c->key, ctx.keywords.to_maildir(target), hint(ctx, c->key), &renamed);
        if (!r) co_return util::unexpected(std::move(r).error());
        ++stats.flags_set;
    }
    if (auto r = renamed.sync(); !r) co_return r;
    if (auto r = ctx.keywords.save(); !r) co_return r;

    std::vector<sync::Record> records;
    for (const auto* rec : actions_of<sync::Record>(plan)) records.push_back(*rec);
    if (records.empty()) co_return util::Expected<void>{};
    co_return step(
        ctx, stats,
        [&db = ctx.db, where = ctx.where, records = std::move(records)](state::WriteTxn& txn) -> util::Expected<void> {
            for (const auto& rec : records) {
                auto row = find_row(db, txn, where, rec.uid, rec.key);
                if (!row) return util::unexpected(std::move(row).error());
                if (!*row) continue;
                model::PairState updated = **row;
                updated.remote_flags = rec.remote_flags;
                updated.local_flags = rec.local_flags;
                if (auto r = put_row(db, txn, where, updated); !r) return r;
            }
            return {};
        });
}

asio::awaitable<util::Expected<void>> apply_expunges(ExecContext& ctx, ExecStats& stats, const sync::Plan& plan) {
    auto expunges = actions_of<sync::Expunge>(plan);
    if (expunges.empty()) co_return util::Expected<void>{};
    std::vector<model::Uid> remote;
    std::vector<model::Uid> server_marked;  // expunged even with `trash` (sync::Expunge::server_marked)
    maildir::PendingDirSyncs removed;       // one directory fsync for all the local deletions
    const bool to_trash = !ctx.trash.empty() && ctx.trash != ctx.where.folder;
    for (const auto* e : expunges) {
        if (e->side == util::Side::remote) {
            (to_trash && e->server_marked ? server_marked : remote).push_back(e->uid);
        } else {
            auto r = maildir::remove_message(ctx.folder_dir, e->key, hint(ctx, e->key), &removed);
            if (!r) co_return util::unexpected(std::move(r).error());
        }
    }
    if (auto r = removed.sync(); !r) co_return r;
    if (!remote.empty() && to_trash) {
        // A message marked \Deleted (the user's T) arrives in the trash folder unmarked: marked, the
        // next sync of the trash folder would expunge it from there too. Unmarked first, so that
        // without UIDPLUS the expunge below finds no \Deleted but its own.
        model::FlagSet mark;
        mark.set(model::Flag::deleted);
        const std::vector<net::StoreRequest> unmark{{imap::SeqSet::from_uids(remote), imap::StoreMode::remove, mark}};
        if (auto r = co_await ctx.session.store_many(unmark); !r) co_return r;
    }
    if (!server_marked.empty())
        if (auto r = co_await ctx.session.expunge(imap::SeqSet::from_uids(server_marked)); !r) co_return r;
    if (!remote.empty()) {
        if (to_trash) {
            // `trash`: what the user deleted locally goes to the server's trash folder, to be
            // emptied there by the user's own rules, instead of being expunged.
            auto moved = co_await ctx.session.move(imap::SeqSet::from_uids(remote), ctx.trash);
            if (!moved) co_return util::unexpected(std::move(moved).error());
        } else {
            auto r = co_await ctx.session.expunge(imap::SeqSet::from_uids(remote));
            if (!r) co_return r;
        }
    }
    stats.expunged += expunges.size();
    std::vector<std::pair<model::Uid, std::string>> gone;
    for (const auto* e : expunges) gone.emplace_back(e->uid, e->key);
    co_return step(
        ctx, stats,
        [&db = ctx.db, where = ctx.where, gone = std::move(gone)](state::WriteTxn& txn) -> util::Expected<void> {
            for (const auto& [uid, key] : gone)
                if (auto r = drop_row(db, txn, where, uid, key); !r) return r;
            return {};
        });
}

// Receives bodies from the server, stages each complete message in tmp/, and every batch makes the
// staged messages durable and visible at once (maildir::commit_staged) before recording the pairs in
// one state step: intent rows first, then the copy, then the record.
class Deliverer final : public net::BodyConsumer {
public:
    Deliverer(ExecContext& ctx, ExecStats& stats, const std::map<model::Uid, const sync::Download*>& wanted)
        : m_ctx(ctx), m_stats(stats), m_wanted(wanted) {}

    void begin_body(std::uint64_t size) override {
        m_body_size = size;
        if (m_error) return;
        auto w = maildir::MessageWriter::open(m_ctx.folder_dir);
        if (!w) {
            m_error = std::move(w).error();
            return;
        }
        m_writer.emplace(std::move(*w));
    }
    void body_data(std::string_view chunk) override {
        if (!m_writer || m_error) return;
        if (auto r = m_writer->write(chunk); !r) m_error = std::move(r).error();
    }
    void end_body() override { m_body_complete = true; }
    void message(const imap::FetchData& f) override {
        if (!m_body_complete) return;  // an unsolicited flag update, not one of ours
        m_body_complete = false;
        std::optional<maildir::MessageWriter> writer = std::move(m_writer);
        m_writer.reset();
        if (m_error || !writer || !f.uid) return;
        auto it = m_wanted.find(*f.uid);
        if (it == m_wanted.end()) return;  // never asked for: the writer's destructor removes the tmp file
        const sync::Download& d = *it->second;
        // A body that is not the size the server announced is not the message: never stored, never
        // recorded (its intent row makes the next run fetch it again).
        if (auto fault = net::check_body_size(d.uid, m_body_size, f.rfc822_size.value_or(d.size))) {
            if (!m_stats.server_fault)
                m_stats.server_fault = net::server_fault(m_ctx.session.connection().peer(), m_ctx.where.folder, *fault);
            return;
        }
        maildir::CommitOptions options;
        options.flags = m_ctx.keywords.to_maildir(d.flags);
        if (d.internaldate)
            options.internal_date = std::chrono::system_clock::from_time_t(d.internaldate);
        else if (f.internal_date)
            options.internal_date = std::chrono::system_clock::from_time_t(f.internal_date->utc);
        auto staged = writer->stage(options);
        if (!staged) {
            m_error = std::move(staged).error();
            return;
        }
        m_staged_bytes += staged->target().size;
        m_staged.push_back(std::move(*staged));
        report_copies(m_ctx, m_stats.downloaded + m_staged.size(), m_stats.bytes_downloaded + m_staged_bytes);
        m_rows.push_back(model::PairState{d.uid, "", d.remote_flags, d.flags, d.size, d.identity, false});
        if (m_staged.size() >= k_records_per_commit || m_staged_bytes >= k_staged_bytes) flush();
    }

    // Makes the staged messages durable and visible, then records them. In batches and at the end.
    void flush() {
        if (m_staged.empty() || m_error) return;
        auto committed = maildir::commit_staged(m_ctx.folder_dir, m_staged);
        for (std::size_t i = 0; i < committed.delivered.size(); ++i) {
            m_rows[i].key = committed.delivered[i].key;
            m_stats.bytes_downloaded += committed.delivered[i].size;
        }
        m_rows.resize(committed.delivered.size());
        m_stats.downloaded += m_rows.size();
        auto r =
            step(m_ctx, m_stats,
                 [&db = m_ctx.db, where = m_ctx.where, rows = m_rows](state::WriteTxn& txn) -> util::Expected<void> {
                     for (const auto& row : rows) {
                         if (auto d = drop_row(db, txn, where, row.uid, ""); !d) return d;
                         if (auto p = put_row(db, txn, where, row); !p) return p;
                     }
                     return {};
                 });
        m_staged.clear();
        m_rows.clear();
        m_staged_bytes = 0;
        if (committed.error)
            m_error = std::move(committed.error);
        else if (!r)
            m_error = std::move(r).error();
    }
    std::optional<util::Error>& error() { return m_error; }

private:
    static constexpr std::uint64_t k_staged_bytes = 64ULL << 20;  // bounds tmp/ use and re-fetch after a crash

    ExecContext& m_ctx;
    ExecStats& m_stats;
    const std::map<model::Uid, const sync::Download*>& m_wanted;
    std::optional<maildir::MessageWriter> m_writer;
    std::uint64_t m_body_size = 0;  // the literal's length, as the server sent it
    bool m_body_complete = false;
    std::vector<maildir::StagedMessage> m_staged;
    std::vector<model::PairState> m_rows;  // one per staged message, same order
    std::uint64_t m_staged_bytes = 0;
    std::optional<util::Error> m_error;
};

asio::awaitable<util::Expected<void>> apply_downloads(ExecContext& ctx, ExecStats& stats, const sync::Plan& plan) {
    auto downloads = actions_of<sync::Download>(plan);
    if (downloads.empty()) co_return util::Expected<void>{};
    // 1. Intents: a row per UID without a key, so a crash mid-copy is resolved by identity.
    std::vector<model::PairState> intent_rows;
    for (const auto* d : downloads)
        intent_rows.push_back(model::PairState{d->uid, "", d->remote_flags, d->flags, d->size, d->identity, false});
    auto intents = step(
        ctx, stats,
        [&db = ctx.db, where = ctx.where, rows = std::move(intent_rows)](state::WriteTxn& txn) -> util::Expected<void> {
            for (const auto& row : rows) {
                if (auto r = drop_row(db, txn, where, row.uid, ""); !r) return r;
                if (auto r = put_row(db, txn, where, row); !r) return r;
            }
            return {};
        });
    if (!intents) co_return intents;
    // 2. Copy, 3. record in batches.
    std::map<model::Uid, const sync::Download*> wanted;
    std::vector<model::Uid> uids;
    for (const auto* d : downloads) {
        wanted[d->uid] = d;
        uids.push_back(d->uid);
    }
    Deliverer deliverer(ctx, stats, wanted);
    auto fetched = co_await ctx.session.fetch_bodies(imap::SeqSet::from_uids(uids), deliverer);
    deliverer.flush();
    if (auto s = ctx.keywords.save(); !s) co_return s;
    if (deliverer.error()) co_return util::unexpected(*deliverer.error());
    if (!fetched) co_return fetched;
    co_return util::Expected<void>{};
}

// "'<path>' cannot be read (Permission denied)": what the user must fix, without advice that fits
// another cause.
std::string cannot_read(const std::filesystem::path& file, const util::Error& e) {
    const bool from_errno = e.code.category() == std::generic_category() || e.code.category() == std::system_category();
    return "'" + file.string() + "' cannot be read (" + (from_errno ? e.code.message() : e.describe()) + ")";
}

asio::awaitable<util::Expected<void>> apply_uploads(ExecContext& ctx, ExecStats& stats, const sync::Plan& plan) {
    auto uploads = actions_of<sync::Upload>(plan);
    if (uploads.empty()) co_return util::Expected<void>{};
    struct Prepared {
        const sync::Upload* action;
        std::filesystem::path file;
        model::Identity identity;
        std::uint64_t rfc822_size;  // as the APPEND literal counts it: every bare LF sent as CRLF
        std::string message_id;     // without UIDPLUS the session finds the new UID by it ("" if none)
    };
    std::vector<Prepared> prepared;
    for (const auto* u : uploads) {
        // A message that cannot be read is not uploaded and not recorded: reported, and tried again
        // next run (a message deleted since the scan is reported too: the next run sees it gone).
        auto where = maildir::find_message(ctx.folder_dir, u->key, hint(ctx, u->key));
        if (!where) {
            stats.not_carried.push_back(where.error().message);
            continue;
        }
        if (struct stat st{}; ::stat(where->path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
            stats.not_carried.push_back("'" + where->path.string() + "' is not a regular file; a message must be one");
            continue;
        }
        auto id = store::local_identity(where->path);
        if (!id) {
            stats.not_carried.push_back(cannot_read(where->path, id.error()));
            continue;
        }
        maildir::MessageInfo info(where->path);
        auto size = info.rfc822_size();
        if (!size) {
            stats.not_carried.push_back(cannot_read(where->path, size.error()));
            continue;
        }
        auto message_id = info.message_id();
        prepared.push_back({u, where->path, *id, *size, message_id && *message_id ? **message_id : std::string()});
    }
    // 1. Intents: a row per key without a UID, with the identity that finds the copy after a crash.
    //    An APPEND is not idempotent, so they are committed (with everything queued) before it.
    //    No remote flags yet: what the server keeps of those sent is known only once read back
    //    (appended_flags.hpp), and a flag recorded there that it dropped would read as a removal.
    std::vector<model::PairState> intent_rows;
    for (const auto& p : prepared)
        intent_rows.push_back(model::PairState{0, p.action->key, model::FlagSet{}, p.action->local_flags, p.rfc822_size,
                                               p.identity, false});
    auto intents = step(
        ctx, stats,
        [&db = ctx.db, where = ctx.where, rows = std::move(intent_rows)](state::WriteTxn& txn) -> util::Expected<void> {
            for (const auto& row : rows) {
                if (auto r = drop_row(db, txn, where, 0, row.key); !r) return r;
                if (auto r = put_row(db, txn, where, row); !r) return r;
            }
            return {};
        });
    if (!intents) co_return intents;
    if (auto r = ctx.batch.commit(); !r) co_return r;
    // 2. APPEND in batches (MULTIAPPEND or pipelined), 3. record the UIDs the server reported.
    net::AppendExpectation expect = ctx.append_expect;
    for (std::size_t i = 0; i < prepared.size(); i += k_uploads_per_batch) {
        std::size_t n = std::min(k_uploads_per_batch, prepared.size() - i);
        std::vector<net::AppendItem> items;
        std::vector<const Prepared*> sent;  // the messages of `items`, in order
        for (std::size_t j = i; j < i + n; ++j) {
            auto payload = store::open_upload_payload(prepared[j].file, prepared[j].rfc822_size);
            if (!payload) {
                // Its intent row stays: the next run looks for it on the server, then uploads it.
                stats.not_carried.push_back(cannot_read(prepared[j].file, payload.error()));
                continue;
            }
            sent.push_back(&prepared[j]);
            net::AppendItem item;
            item.message.body = *payload;
            item.message.flags = prepared[j].action->flags;
            item.message_id = prepared[j].message_id;
            if (prepared[j].action->internaldate > 0)
                item.message.internal_date = imap::AppendDate{prepared[j].action->internaldate, 0};
            items.push_back(std::move(item));
        }
        if (items.empty()) continue;
        auto uids = co_await ctx.session.append(ctx.where.folder, std::move(items), expect);
        if (!uids) co_return util::unexpected(std::move(uids).error());
        std::map<model::Uid, model::FlagSet> flags_sent;
        for (std::size_t j = 0; j < sent.size(); ++j)
            if (const auto& uid = (*uids)[j]) flags_sent[*uid] = sent[j]->action->flags;
        auto held = co_await flags_held_after_append(ctx.session, ctx.where.folder, flags_sent);
        if (!held) co_return util::unexpected(std::move(held).error());  // intent rows resolve it next run
        std::vector<model::PairState> rows;
        for (std::size_t j = 0; j < sent.size(); ++j) {
            const auto& uid = (*uids)[j];
            if (!uid) continue;  // unknown: the intent row stays and identity resolves it next run
            expect.first_new_uid = std::max(expect.first_new_uid, *uid + 1);  // later ones are newer still
            const Prepared& p = *sent[j];
            rows.push_back(model::PairState{*uid, p.action->key, held->at(*uid), p.action->local_flags, p.rfc822_size,
                                            p.identity, false});
        }
        auto recorded = step(
            ctx, stats,
            [&db = ctx.db, where = ctx.where, rows = std::move(rows)](state::WriteTxn& txn) -> util::Expected<void> {
                for (const auto& row : rows) {
                    if (auto r = drop_row(db, txn, where, 0, row.key); !r) return r;
                    if (auto r = put_row(db, txn, where, row); !r) return r;
                }
                return {};
            });
        if (!recorded) co_return recorded;
        stats.uploaded += sent.size();
        for (const Prepared* p : sent) stats.bytes_uploaded += p->rfc822_size;
        report_copies(ctx, stats.downloaded + stats.uploaded, stats.bytes_downloaded + stats.bytes_uploaded);
    }
    co_return util::Expected<void>{};
}

}  // namespace

void count_committed_step() {
    static const long stop_after = [] {
        const char* v = std::getenv("MAILTWIN_TEST_STOP_AFTER_STEP");
        return v ? std::atol(v) : 0L;
    }();
    long n = ++g_steps;
    if (stop_after > 0 && n >= stop_after) ::_exit(99);  // as abrupt as a kill: no destructor, no flush
}

asio::awaitable<util::Expected<ExecStats>> execute_plan(ExecContext& ctx, const sync::Plan& plan) {
    ExecStats stats;
    std::uint64_t copies = 0, copy_bytes = 0;
    for (const auto& a : plan.actions) {
        if (const auto* d = std::get_if<sync::Download>(&a)) ++copies, copy_bytes += d->size;
        if (const auto* u = std::get_if<sync::Upload>(&a)) ++copies, copy_bytes += u->size;
    }
    if (ctx.progress && copies) ctx.progress->folder_started(ctx.where.account, ctx.where.folder, copies, copy_bytes);
    struct Finish {
        ExecContext& ctx;
        bool started;
        ~Finish() {
            if (started) ctx.progress->folder_finished(ctx.where.account, ctx.where.folder);
        }
    } finish{ctx, ctx.progress && copies};
    if (auto r = apply_state_only(ctx, stats, plan); !r) co_return util::unexpected(std::move(r).error());
    if (auto r = co_await apply_flags(ctx, stats, plan); !r) co_return util::unexpected(std::move(r).error());
    if (auto r = co_await apply_expunges(ctx, stats, plan); !r) co_return util::unexpected(std::move(r).error());
    if (auto r = co_await apply_downloads(ctx, stats, plan); !r) co_return util::unexpected(std::move(r).error());
    if (auto r = co_await apply_uploads(ctx, stats, plan); !r) co_return util::unexpected(std::move(r).error());
    co_return stats;
}

}  // namespace mailtwin::store
