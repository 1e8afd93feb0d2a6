// Uploads go out with CRLF line ends whatever the Maildir file has, read in any chunk sizes.
#include "mailtwin/store/crlf_file_payload.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "fixtures/temp_dir.hpp"

namespace mailtwin::store {
namespace {

std::string crlf(std::string_view in) {
    std::string out;
    char prev = '\0';
    for (char c : in) {
        if (c == '\n' && prev != '\r') out += '\r';
        out += c;
        prev = c;
    }
    return out;
}

std::string read_all(const imap::Payload& p, std::size_t chunk) {
    std::string out;
    std::string buf(chunk, '\0');
    for (;;) {
        auto n = p.read(out.size(), buf);
        EXPECT_TRUE(n) << (n ? "" : n.error().message);
        if (!n || *n == 0) break;
        out.append(buf.data(), *n);
    }
    return out;
}

class CrlfPayload : public ::testing::Test {
protected:
    std::filesystem::path write(const std::string& name, const std::string& text) {
        auto path = m_dir / name;
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }
    test::TempDir m_dir{"mailtwin-crlf"};
};

TEST_F(CrlfPayload, BareLinefeedsBecomeCrlfInEveryChunkSize) {
    const std::string text = "Subject: hi\nMessage-ID: <a@b>\r\n\nline one\n\nmixed\r\nend\n";
    const auto path = write("m", text);
    const std::string expected = crlf(text);
    for (std::size_t chunk : {1u, 2u, 3u, 5u, 7u, 64u, 4096u}) {
        auto payload = open_upload_payload(path, expected.size());
        ASSERT_TRUE(payload);
        EXPECT_EQ((*payload)->size(), expected.size());
        EXPECT_EQ(read_all(**payload, chunk), expected) << "chunk " << chunk;
    }
}

TEST_F(CrlfPayload, RereadFromAnEarlierOffsetGivesTheSameBytes) {
    const std::string text = "a\nb\nc\n";
    const auto path = write("m", text);
    auto payload = open_upload_payload(path, crlf(text).size());
    ASSERT_TRUE(payload);
    std::string buf(3, '\0');
    ASSERT_TRUE((*payload)->read(0, buf));
    auto n = (*payload)->read(2, buf);  // from the middle of what was already sent
    ASSERT_TRUE(n);
    EXPECT_EQ(std::string(buf.data(), *n), crlf(text).substr(2, 3));
}

TEST_F(CrlfPayload, AFileThatIsAlreadyCrlfIsSentAsItIs) {
    const std::string text = "Subject: x\r\n\r\nbody\r\n";
    const auto path = write("m", text);
    auto payload = open_upload_payload(path, text.size());
    ASSERT_TRUE(payload);
    EXPECT_EQ(read_all(**payload, 4), text);
}

TEST_F(CrlfPayload, AFileThatChangedSinceItWasMeasuredFails) {
    const std::string text = "a\nb\n";
    const auto path = write("m", text);
    auto payload = open_upload_payload(path, crlf(text).size());
    ASSERT_TRUE(payload);
    write("m", text + "more\n");  // grew after the size was announced
    std::string buf(64, '\0');
    std::uint64_t offset = 0;
    bool failed = false;
    while (offset < (*payload)->size()) {
        auto n = (*payload)->read(offset, buf);
        if (!n) {
            failed = true;
            break;
        }
        offset += *n;
    }
    EXPECT_TRUE(failed);
}

}  // namespace
}  // namespace mailtwin::store
