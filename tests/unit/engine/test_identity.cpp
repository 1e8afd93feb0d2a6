// The message identity rule (state/row_identity.hpp): what synchronizers and mail readers add or change
// keeps a message's identity; anything that makes it another message changes it; the server's view
// (a few header fields and the first bytes of a CRLF body) and a Maildir file's agree.
#include "mailtwin/state/row_identity.hpp"
#include "mailtwin/store/identity.hpp"

#include <gtest/gtest.h>

#include <strings.h>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "fixtures/temp_dir.hpp"
#include "mailtwin/sync/planner.hpp"

namespace mailtwin::engine {
namespace {

using namespace std::string_literals;

const std::string k_header =
    "Return-Path: <alice@example.org>\n"
    "Received: from mx.example.org by mail.example.net; Tue, 3 Jan 2023 10:00:01 +0000\n"
    "From: Alice <alice@example.org>\n"
    "To: Bob <bob@example.net>\n"
    "Subject: The quarterly report, with a subject long enough to be folded by some readers\n"
    "Message-ID: <report-42@example.org>\n"
    "Date: Tue, 3 Jan 2023 10:00:00 +0000\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n";
const std::string k_body = "Hello Bob,\n\nthe numbers are attached.\n\n-- \nAlice\n";

std::string lf_message(const std::string& header = k_header, const std::string& body = k_body) {
    return header + "\n" + body;
}

std::string to_crlf(const std::string& lf) {
    std::string out;
    for (std::size_t i = 0; i < lf.size(); ++i) {
        if (lf[i] == '\n' && (i == 0 || lf[i - 1] != '\r')) out += '\r';
        out += lf[i];
    }
    return out;
}

// What fetch_meta gets from a server storing `crlf_message`: the HEADER.FIELDS answer (the
// identifying lines and the empty line) and BODY[TEXT]<0.N> (at most N bytes).
model::Identity server_view(const std::string& crlf_message) {
    const auto end = crlf_message.find("\r\n\r\n");
    const std::string header = crlf_message.substr(0, end + 2);
    const std::string body = crlf_message.substr(end + 4);
    std::string fields;
    std::size_t pos = 0;
    while (pos < header.size()) {
        auto eol = header.find("\r\n", pos);
        std::string line = header.substr(pos, eol + 2 - pos);
        pos = eol + 2;
        // Continuation lines belong to the field before; this header has none the test relies on.
        for (const char* name : {"Message-ID:", "Date:", "From:", "Subject:"})
            if (strncasecmp(line.c_str(), name, std::strlen(name)) == 0) fields += line;
    }
    return store::message_identity(fields + "\r\n", body.substr(0, store::k_identity_body_bytes));
}

// ---- what other programs add must not change the identity ---------------------------------------

struct Added {
    const char* label;
    std::string header_line;  // inserted into the header, LF ended
};

class AddedHeader : public ::testing::TestWithParam<Added> {};

TEST_P(AddedHeader, KeepsTheIdentityAtTheTopAtTheEndAndAsServerSeesIt) {
    const auto base = store::message_identity(lf_message());
    const std::string line = GetParam().header_line;
    EXPECT_EQ(store::message_identity(lf_message(line + k_header)), base);
    EXPECT_EQ(store::message_identity(lf_message(k_header + line)), base);
    EXPECT_EQ(store::message_identity(to_crlf(lf_message(k_header + line))), base);
    EXPECT_EQ(server_view(to_crlf(lf_message(k_header + line))), base);
}

INSTANTIATE_TEST_SUITE_P(
    SynchronizersAndReaders, AddedHeader,
    ::testing::Values(Added{"mbsync_tuid", "X-TUID: 9fk3Lq0aB1cD\n"},
                      Added{"offlineimap", "X-OfflineIMAP: 1392742915-0479412316546-v6.5.5\n"},
                      Added{"mutt_content_length", "Content-Length: 57\n"}, Added{"mutt_lines", "Lines: 6\n"},
                      Added{"mbox_status", "Status: RO\n"}, Added{"mbox_x_status", "X-Status: AF\n"},
                      Added{"x_keywords", "X-Keywords: $Label1 work\n"}, Added{"x_label", "X-Label: todo\n"},
                      Added{"folded_x_label", "X-Label: a long label\n that is folded\n"},
                      Added{"several", "X-TUID: abc\nStatus: O\nX-Status: \nX-Keywords: \nContent-Length: 4\n"}),
    [](const auto& param_info) { return std::string(param_info.param.label); });

TEST(Identity, SurvivesLineEndsRefoldingReorderingAndFinalNewlines) {
    const auto base = store::message_identity(lf_message());
    EXPECT_EQ(store::message_identity(to_crlf(lf_message())), base);
    // A reader refolds the Message-ID and the Subject and puts the fields in another order.
    const std::string refolded =
        "Message-ID:\n <report-42@example.org>\nFrom: Alice <alice@example.org>\n"
        "Subject: The quarterly report, with a subject long enough\n  to be folded by some "
        "readers\nDate: Tue, 3 Jan 2023 10:00:00 +0000\n";
    EXPECT_EQ(store::message_identity(lf_message(refolded)), base);
    // Final newlines added or removed, in either line-end convention.
    EXPECT_EQ(store::message_identity(lf_message(k_header, k_body + "\n")), base);
    EXPECT_EQ(store::message_identity(lf_message(k_header, k_body + "\n\n\n")), base);
    EXPECT_EQ(store::message_identity(lf_message(k_header, k_body.substr(0, k_body.size() - 1))), base);
    EXPECT_EQ(store::message_identity(to_crlf(lf_message(k_header, k_body + "\n"))), base);
    EXPECT_EQ(server_view(to_crlf(lf_message(k_header, k_body + "\n\n"))), base);
}

TEST(Identity, LongBodiesAgreeBetweenServerAndMaildirWhateverTheLineEnds) {
    // Short lines and empty lines make the CRLF form much longer than the LF form: the cut after N
    // CRLF-form bytes must fall at the same place, also between a CR and its LF.
    for (std::size_t extra = 0; extra < 8; ++extra) {
        std::string body(extra, 'x');
        while (body.size() < 3 * store::k_identity_body_bytes) body += (body.size() % 7 == 0) ? "\n\n" : "a line\n";
        const auto local = store::message_identity(lf_message(k_header + "X-TUID: q\n", body));
        EXPECT_EQ(store::message_identity(to_crlf(lf_message(k_header, body))), local) << extra;
        EXPECT_EQ(server_view(to_crlf(lf_message(k_header, body))), local) << extra;
        // What follows the covered start does not count: a list footer appended later, a newline.
        EXPECT_EQ(store::message_identity(lf_message(k_header, body + "\n_______\nlist footer\n")), local) << extra;
    }
}

TEST(Identity, BodyEndingAtTheCoveredLengthWithOrWithoutNewlines) {
    for (std::size_t len : {store::k_identity_body_bytes - 2, store::k_identity_body_bytes - 1,
                            store::k_identity_body_bytes, store::k_identity_body_bytes + 1}) {
        const std::string body(len, 'b');
        const auto plain = store::message_identity(lf_message(k_header, body));
        EXPECT_EQ(store::message_identity(lf_message(k_header, body + "\n")), plain) << len;
        EXPECT_EQ(store::message_identity(to_crlf(lf_message(k_header, body + "\n\n"))), plain) << len;
        EXPECT_EQ(server_view(to_crlf(lf_message(k_header, body + "\n"))), plain) << len;
    }
}

// ---- different messages must not share an identity ----------------------------------------------

TEST(Identity, SameMessageIdDifferentBodiesDiffer) {
    const auto base = store::message_identity(lf_message());
    EXPECT_NE(store::message_identity(lf_message(k_header, "Hello Bob,\n\nthe numbers are attached!\n\n-- \nAlice\n")),
              base);
    EXPECT_NE(store::message_identity(lf_message(k_header, "hello Bob,\n\nthe numbers are attached.\n\n-- \nAlice\n")),
              base);
    EXPECT_NE(store::message_identity(lf_message(k_header, "Hello Bob,\n\nthe  numbers are attached.\n\n-- \nAlice\n")),
              base);
    EXPECT_NE(store::message_identity(lf_message(k_header, "")), base);
    // A draft saved twice: the second has one more line.
    EXPECT_NE(store::message_identity(lf_message(k_header, k_body + "PS: call me\n")), base);
    EXPECT_NE(server_view(to_crlf(lf_message(k_header, k_body + "PS: call me\n"))), base);
}

TEST(Identity, DifferentMessageIdsSameBodyDiffer) {
    std::string other = k_header;
    other.replace(other.find("report-42"), 9, "report-43");
    EXPECT_NE(store::message_identity(lf_message(other)), store::message_identity(lf_message()));
}

TEST(Identity, WithoutMessageIdDateFromSubjectAndBodyDecide) {
    const std::string header =
        "From: Alice <alice@example.org>\nSubject: draft\nDate: Tue, 3 Jan 2023 10:00:00 +0000\n";
    const auto base = store::message_identity(lf_message(header, "one\n"));
    EXPECT_EQ(store::message_identity(to_crlf(lf_message("X-TUID: z\n" + header, "one\n\n"))), base);
    EXPECT_NE(store::message_identity(lf_message(header, "two\n")), base);
    EXPECT_NE(
        store::message_identity(lf_message("From: Alice <alice@example.org>\nSubject: draft 2\nDate: Tue, 3 Jan 2023 "
                                           "10:00:00 +0000\n",
                                           "one\n")),
        base);
    EXPECT_NE(
        store::message_identity(lf_message("From: Carol <carol@example.org>\nSubject: draft\nDate: Tue, 3 Jan 2023 "
                                           "10:00:00 +0000\n",
                                           "one\n")),
        base);
}

// ---- Maildir files --------------------------------------------------------------------------------

TEST(LocalIdentity, ReadsHeaderAndBodyStartOfAFile) {
    test::TempDir dir;
    auto write = [&](const std::string& name, const std::string& bytes) {
        std::ofstream(dir / name, std::ios::binary) << bytes;
        return dir / name;
    };
    const auto expected = store::message_identity(lf_message());
    EXPECT_EQ(*store::local_identity(write("lf", lf_message())), expected);
    EXPECT_EQ(*store::local_identity(write("crlf_tuid", to_crlf(lf_message("X-TUID: 1\n" + k_header)))), expected);
    // A header longer than one read, and a body longer than the covered start.
    std::string long_header = k_header;
    for (int i = 0; i < 600; ++i)
        long_header += "Received: from relay" + std::to_string(i) + " by mx; Tue, 3 Jan 2023\n";
    const std::string long_body = std::string(5000, 'z') + "\n";
    EXPECT_EQ(*store::local_identity(write("long", lf_message(long_header, long_body))),
              store::message_identity(lf_message(k_header, long_body)));
    // No empty line: all header, empty body, on both sides alike.
    EXPECT_EQ(*store::local_identity(write("headeronly", k_header)), store::message_identity(k_header, ""));
    EXPECT_FALSE(store::local_identity(dir / "missing"));
}

// ---- state rows -----------------------------------------------------------------------------------

TEST(StoredIdentity, RoundTripsAndIgnoresRowsOfTheOldRule) {
    const auto id = store::message_identity(lf_message());
    state::MessageRecord record;
    store_identity(record, id);
    EXPECT_EQ(stored_identity(record), id);
    // Rows written before this rule: a Message-ID hash (and the size) only.
    state::MessageRecord old;
    old.message_id_hash = record.message_id_hash;
    old.size = 1234;
    EXPECT_FALSE(stored_identity(old));
    // A content hash that is not this rule's (a full SHA-256 of the message) is not one either.
    state::MessageRecord other = record;
    (*other.content_hash)[8] = 0x5a;
    (*other.content_hash)[20] = 0x11;
    EXPECT_FALSE(stored_identity(other));
}

// ---- the planner with these identities: copies pair one to one ----------------------------------

TEST(IdentityMatching, ByteIdenticalCopiesStayTwo) {
    const auto id = store::message_identity(lf_message());
    model::RemoteView remote;
    remote.uidvalidity = 7;
    remote.messages = {model::RemoteMessage{1, {}, 100, 0, id}, model::RemoteMessage{2, {}, 100, 0, id}};
    model::LocalView local;
    local.messages = {model::LocalMessage{"a", {}, 90, 1, id}, model::LocalMessage{"b", {}, 90, 1, id},
                      model::LocalMessage{"c", {}, 90, 1, id}};
    const auto plan = sync::plan_folder(remote, local, model::FolderState{}, sync::Policy{}, 0);
    EXPECT_EQ(plan.counters.pairs, 2u);
    EXPECT_EQ(plan.counters.uploads, 1u);  // the third copy is a third message
    EXPECT_EQ(plan.counters.downloads, 0u);
}

TEST(IdentityMatching, SameMessageIdDifferentBodyIsCopiedNotPaired) {
    model::RemoteView remote;
    remote.uidvalidity = 7;
    remote.messages = {model::RemoteMessage{1, {}, 100, 0, server_view(to_crlf(lf_message()))}};
    model::LocalView local;
    local.messages = {model::LocalMessage{"a", {}, 90, 1, store::message_identity(lf_message(k_header, "other\n"))}};
    const auto plan = sync::plan_folder(remote, local, model::FolderState{}, sync::Policy{}, 0);
    EXPECT_EQ(plan.counters.pairs, 0u);
    EXPECT_EQ(plan.counters.uploads, 1u);
    EXPECT_EQ(plan.counters.downloads, 1u);
}

}  // namespace
}  // namespace mailtwin::engine
