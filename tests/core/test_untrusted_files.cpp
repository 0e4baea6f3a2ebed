// SPDX-License-Identifier: GPL-3.0-or-later
// Files that change or lie (issue 11): a mapped file cut short on disk while it is open (as
// np.save to the same path does) must not kill the program with SIGBUS; the change is reported.
// A safetensors `attentions.N` series is checked the same way whatever N is.
#include "attention_file_helpers.hpp"

#include "attnviz/core/inspect/load_attention.hpp"
#include "attnviz/core/io/mapped_file.hpp"
#include "attnviz/core/io/safetensors.hpp"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace attnviz;
using namespace attnviz::test;

namespace {

// A little-endian float32 C-order .npy of `shape`, element k = (k % 97) / 97 + 0.25: every
// value non-zero, so that a zero read back can only come from a page that vanished.
std::string npy_bytes(const std::vector<int>& shape)
{
    std::size_t n = 1;
    std::string dims;
    for (int d : shape) {
        n *= static_cast<std::size_t>(d);
        dims += std::to_string(d) + ", ";
    }
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    header.append(64 - (10 + header.size() + 1) % 64, ' ');
    header += '\n';
    std::string out = std::string("\x93NUMPY\x01\x00", 8);
    out += static_cast<char>(header.size() & 0xff);
    out += static_cast<char>(header.size() >> 8);
    out += header;
    for (std::size_t k = 0; k < n; ++k) {
        const float v = static_cast<float>(k % 97) / 97.0f + 0.25f;
        char b[4];
        std::memcpy(b, &v, 4);
        out.append(b, 4);
    }
    return out;
}

void write_file(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::byte> series(const std::vector<std::string>& names)
{
    io::SafetensorsWriter w;
    const std::vector<double> quarter(16, 0.25);  // [4, 4] rows summing to 1
    for (const std::string& n : names) w.add(n, {4, 4}, std::span<const double>(quarter));
    return w.bytes();
}

}  // namespace

class TestUntrustedFiles : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::string path(const char* name) const { return (tmp_.path() + '/' + name).toStdString(); }

private slots:
    void a_mapped_file_cut_short_reads_zeros_and_says_so()
    {
        // 4 heads of 64 x 64 float32: 64 kB, several pages past the 128 bytes left.
        const std::string file = path("cut.npy");
        write_file(file, npy_bytes({4, 64, 64}));
        const io::MappedFile m(file);
        QVERIFY(m.mapped());
        QCOMPARE(m.change_on_disk(), std::string());
        const std::size_t size = m.size();
        QVERIFY(size > 16 * 4096);
        const auto last = [&] { return std::to_integer<int>(m.bytes()[size - 2]); };
        QVERIFY(last() != 0);

        QCOMPARE(::truncate(file.c_str(), 128), 0);
        // Without the guard this read is a SIGBUS and the test process dies here.
        QCOMPARE(last(), 0);
        int sum = 0;
        for (std::size_t i = 4096; i < size; i += 1024) sum += std::to_integer<int>(m.bytes()[i]);
        QCOMPARE(sum, 0);
        // The first page is still the file's.
        QCOMPARE(std::to_integer<int>(m.bytes()[0]), 0x93);

        const std::string change = m.change_on_disk();
        const std::string sizes = "(" + std::to_string(size) + " bytes then, 128 now)";
        ATTNVIZ_EXPECT_MESSAGE(change, "cut.npy changed on disk after it was opened", sizes.c_str(),
                               "the part cut off reads as zeros", "open it again");
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { m.check_unchanged(); }), "cut.npy changed on disk");
    }

    void a_file_rewritten_in_place_is_a_change()
    {
        const std::string file = path("same-size.npy");
        const std::string bytes = npy_bytes({2, 8, 8});
        write_file(file, bytes);
        const io::MappedFile m(file);
        QCOMPARE(m.change_on_disk(), std::string());
        // Same size, new modification time (set explicitly: a rewrite within the filesystem's
        // timestamp granularity would otherwise look untouched).
        write_file(file, bytes);
        const timespec later[2] = {{0, UTIME_OMIT}, {1'000'000'000, 0}};
        QCOMPARE(::utimensat(AT_FDCWD, file.c_str(), later, 0), 0);
        ATTNVIZ_EXPECT_MESSAGE(m.change_on_disk(), "same-size.npy changed on disk after it was opened",
                               "open it again");
        QVERIFY(m.change_on_disk().find("bytes then") == std::string::npos);
    }

    void a_file_replaced_by_rename_is_told_apart()
    {
        // Saving by renaming a new file over the path (what atomic writers do) leaves the mapped
        // file whole: its bytes are still right, but the path now holds another file.
        const std::string file = path("replaced.npy");
        write_file(file, npy_bytes({2, 8, 8}));
        const io::MappedFile m(file);
        QCOMPARE(m.replacement_on_disk(), std::string());
        write_file(path("new.npy"), npy_bytes({3, 8, 8}));
        QCOMPARE(::rename(path("new.npy").c_str(), file.c_str()), 0);
        QCOMPARE(m.change_on_disk(), std::string());
        ATTNVIZ_EXPECT_MESSAGE(m.replacement_on_disk(), "replaced.npy was replaced or removed on disk",
                               "what is shown is the file as it was then");
        QCOMPARE(std::to_integer<int>(m.bytes()[0]), 0x93);
        QCOMPARE(::unlink(file.c_str()), 0);
        ATTNVIZ_EXPECT_MESSAGE(m.replacement_on_disk(), "replaced.npy was replaced or removed");
    }

    void bytes_in_memory_never_change()
    {
        const io::MappedFile m(to_bytes("abc"), "label");
        QVERIFY(!m.mapped());
        QCOMPARE(m.change_on_disk(), std::string());
        QCOMPARE(m.replacement_on_disk(), std::string());
        m.check_unchanged();
    }

    void an_open_stack_survives_its_file_being_cut()
    {
        // The inspector's case: a 4 x 4 x 64² file is open and shown in place; np.save cuts it.
        const std::string file = path("model.npy");
        write_file(file, npy_bytes({4, 4, 64, 64}));
        auto mapping = std::make_shared<const io::MappedFile>(file);
        const inspect::AttentionStack s = inspect::load_attention(mapping);
        QCOMPARE(s.layers(), Index(4));
        const inspect::HeadView view = s.head(3, 3);
        QVERIFY(view.in_place());
        QVERIFY(view.matrix().sum() > 0);
        QCOMPARE(::truncate(file.c_str(), 128), 0);
        QCOMPARE(view.matrix().sum(), 0.0f);  // read, no crash
        QCOMPARE(s.head(2, 1).matrix().sum(), 0.0f);
        ATTNVIZ_EXPECT_MESSAGE(mapping->change_on_disk(), "model.npy changed on disk", "128 now",
                               "the part cut off reads as zeros");
        // Opening it again now reads what is there: a clear refusal, not a crash.
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { inspect::load_attention(file); }), "model.npy");
    }

    void a_fault_elsewhere_still_kills()
    {
        // The guard only catches faults inside MappedFile's own mappings: a SIGBUS from any
        // other mapping ends the process as before. Run in a child (this executable again, see
        // main), where Qt Test's own crash handler is not installed.
        const std::string file = path("other.bin");
        write_file(file, std::string(3 * 4096, 'x'));
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            ::setenv("ATTNVIZ_SIGBUS_CHILD", file.c_str(), 1);
            ::execl("/proc/self/exe", "test_untrusted_files", static_cast<char*>(nullptr));
            ::_exit(6);
        }
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        // Killed by SIGBUS; under AddressSanitizer its own SIGBUS report ends the child instead,
        // by SIGABRT (abort_on_error=1, scripts/sanitize.sh) or a non-zero exit. Exit codes 3-6
        // mean the child could not set the scene or survived the fault.
        QVERIFY2((WIFSIGNALED(status) && (WTERMSIG(status) == SIGBUS || WTERMSIG(status) == SIGABRT)) ||
                     (WIFEXITED(status) && (WEXITSTATUS(status) < 3 || WEXITSTATUS(status) > 6) &&
                      WEXITSTATUS(status) != 0),
                 qPrintable(QString("status %1").arg(status)));
    }

    void series_index_is_checked_whatever_its_size()
    {
        // A gap was refused while a huge index was silently ignored: both are out of sequence.
        ATTNVIZ_EXPECT_MESSAGE(
            message_of([] { load_bytes(series({"attentions.0", "attentions.99999999999999999999"}), "big.safetensors"); }),
            "big.safetensors", "tensor 'attentions.99999999999999999999'", "out of sequence",
            "expected attentions.0 … attentions.1");
        ATTNVIZ_EXPECT_MESSAGE(
            message_of([] { load_bytes(series({"attentions.0", "attentions.18446744073709551615"}), "max.safetensors"); }),
            "tensor 'attentions.18446744073709551615'", "out of sequence");
        ATTNVIZ_EXPECT_MESSAGE(message_of([] { load_bytes(series({"attentions.0", "attentions.5"}), "gap.safetensors"); }),
                               "tensor 'attentions.5'", "out of sequence");
        ATTNVIZ_EXPECT_MESSAGE(message_of([] { load_bytes(series({"attentions.0", "attentions.01"}), "zero.safetensors"); }),
                               "tensor 'attentions.01'", "leading zero");
        // Names that are not "attentions." + digits are other tensors, as before.
        QCOMPARE(load_bytes(series({"attentions.0", "attentions.1", "attentions.x", "attentions.-1"}), "ok.safetensors")
                     .layers(),
                 Index(2));
    }
};

// The child of a_fault_elsewhere_still_kills: maps `file` through MappedFile (installing the
// guard), then faults on a mapping of its own that the guard does not know. Must not return.
int sigbus_child(const char* file)
{
    { const io::MappedFile installs_the_guard(file); }
    const int fd = ::open(file, O_RDONLY);
    if (fd < 0) return 3;
    auto* p = static_cast<volatile const char*>(::mmap(nullptr, 3 * 4096, PROT_READ, MAP_PRIVATE, fd, 0));
    if (p == MAP_FAILED || ::truncate(file, 0) != 0) return 3;
    const char c = p[2 * 4096];
    return c == 0 ? 4 : 5;  // reached only if the fault was swallowed
}

int main(int argc, char** argv)
{
    if (const char* file = std::getenv("ATTNVIZ_SIGBUS_CHILD")) return sigbus_child(file);
    QCoreApplication app(argc, argv);
    TestUntrustedFiles test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "test_untrusted_files.moc"
