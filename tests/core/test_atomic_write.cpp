// SPDX-License-Identifier: GPL-3.0-or-later
// files::write_atomically: saving replaces a regular file or creates a new one, follows symbolic
// links to the real file, refuses devices, FIFOs and directories without touching them, and
// leaves no temporary behind. Everything happens inside a QTemporaryDir; the device case makes its
// own /dev/null-like node there (mknod, root only) rather than going near the real /dev.
#include "attnviz/core/atomic_write.hpp"
#include "attnviz/core/io/safetensors.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

using namespace attnviz;
namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_plain(const fs::path& p, const std::string& text)
{
    std::ofstream(p, std::ios::binary) << text;
}

// The names in `dir`, to check that no ".NAME.partial-*" is left behind.
QStringList names_in(const fs::path& dir)
{
    QStringList out;
    for (const auto& e : fs::directory_iterator(dir)) out << QString::fromStdString(e.path().filename().string());
    out.sort();
    return out;
}

QString refusal(const fs::path& p, const std::string& text)
{
    try {
        files::write_atomically(p, text);
    } catch (const std::invalid_argument& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

}  // namespace

class TestAtomicWrite : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    fs::path dir() const { return fs::path(tmp_.path().toStdString()); }

private slots:
    void init() { QVERIFY(tmp_.isValid()); }
    void cleanup()
    {
        for (const auto& e : fs::directory_iterator(dir())) fs::remove_all(e.path());
    }

    void creates_a_new_file_with_the_umask()
    {
        const mode_t old = ::umask(022);
        files::write_atomically(dir() / "new.bin", std::string("hello"));
        ::umask(old);
        QCOMPARE(read_all(dir() / "new.bin"), std::string("hello"));
        struct stat st {};
        QCOMPARE(::stat((dir() / "new.bin").c_str(), &st), 0);
        QCOMPARE(st.st_mode & 07777, mode_t(0644));
        QCOMPARE(names_in(dir()), QStringList{"new.bin"});
    }

    void replaces_a_regular_file_and_keeps_its_mode()
    {
        write_plain(dir() / "m.bin", "old contents, longer than the new");
        QCOMPARE(::chmod((dir() / "m.bin").c_str(), 0640), 0);
        files::write_atomically(dir() / "m.bin", std::string("new"));
        QCOMPARE(read_all(dir() / "m.bin"), std::string("new"));
        struct stat st {};
        QCOMPARE(::stat((dir() / "m.bin").c_str(), &st), 0);
        QCOMPARE(st.st_mode & 07777, mode_t(0640));
        QCOMPARE(names_in(dir()), QStringList{"m.bin"});
    }

    void an_empty_save_is_an_empty_file()
    {
        files::write_atomically(dir() / "empty", std::string());
        QVERIFY(fs::is_regular_file(dir() / "empty"));
        QCOMPARE(fs::file_size(dir() / "empty"), std::uintmax_t(0));
    }

    void a_symbolic_link_stays_a_link_and_its_target_is_replaced()
    {
        fs::create_directory(dir() / "models");
        write_plain(dir() / "models" / "real.bin", "old");
        // A relative link in another directory: resolved against the link's own directory.
        fs::create_directory(dir() / "links");
        fs::create_symlink("../models/real.bin", dir() / "links" / "current.bin");
        fs::create_symlink("current.bin", dir() / "links" / "chain.bin");

        files::write_atomically(dir() / "links" / "chain.bin", std::string("new"));
        QVERIFY(fs::is_symlink(dir() / "links" / "chain.bin"));
        QVERIFY(fs::is_symlink(dir() / "links" / "current.bin"));
        QCOMPARE(read_all(dir() / "models" / "real.bin"), std::string("new"));
        // The temporary was made beside the real file, and is gone.
        QCOMPARE(names_in(dir() / "models"), QStringList{"real.bin"});
        QCOMPARE(names_in(dir() / "links"), (QStringList{"chain.bin", "current.bin"}));
        QCOMPARE(files::resolve_save_target(dir() / "links" / "chain.bin"),
                 dir() / "links" / ".." / "models" / "real.bin");
    }

    void a_dangling_link_creates_the_file_it_names()
    {
        fs::create_symlink("later.bin", dir() / "link.bin");
        files::write_atomically(dir() / "link.bin", std::string("x"));
        QVERIFY(fs::is_symlink(dir() / "link.bin"));
        QCOMPARE(read_all(dir() / "later.bin"), std::string("x"));
    }

    void a_link_loop_is_refused()
    {
        fs::create_symlink("b", dir() / "a");
        fs::create_symlink("a", dir() / "b");
        const QString why = refusal(dir() / "a", "x");
        QVERIFY2(why.contains("too many levels of symbolic links"), qPrintable(why));
    }

    void a_fifo_is_refused_untouched()
    {
        QCOMPARE(::mkfifo((dir() / "pipe").c_str(), 0644), 0);
        const QString why = refusal(dir() / "pipe", "x");
        QVERIFY2(why.startsWith(QString::fromStdString("cannot save " + (dir() / "pipe").string() + ": ")),
                 qPrintable(why));
        QVERIFY2(why.contains("FIFO") && why.contains("not a regular file"), qPrintable(why));
        QVERIFY(fs::is_fifo(dir() / "pipe"));
        // Through a link as well: the link's target is what is checked.
        fs::create_symlink("pipe", dir() / "to-pipe");
        QVERIFY(refusal(dir() / "to-pipe", "x").contains("FIFO"));
        QVERIFY(fs::is_fifo(dir() / "pipe"));
        QCOMPARE(names_in(dir()), (QStringList{"pipe", "to-pipe"}));
    }

    void a_directory_is_refused_untouched()
    {
        fs::create_directory(dir() / "d");
        write_plain(dir() / "d" / "inside", "kept");
        const QString why = refusal(dir() / "d", "x");
        QVERIFY2(why.contains("a directory"), qPrintable(why));
        QCOMPARE(read_all(dir() / "d" / "inside"), std::string("kept"));
    }

    void a_device_is_refused_untouched()
    {
        // A node like /dev/null (char 1:3) of our own: `train --save /dev/full` used to turn
        // the real device into a regular file.
        const fs::path dev = dir() / "null-like";
        if (::mknod(dev.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0)
            QSKIP("cannot make a device node here (needs root and CAP_MKNOD)");
        const QString why = refusal(dev, "x");
        QVERIFY2(why.contains("a character device, not a regular file"), qPrintable(why));
        QVERIFY(fs::is_character_file(dev));
    }

    void a_missing_directory_is_a_clear_error()
    {
        const QString why = refusal(dir() / "no" / "such" / "m.bin", "x");
        QVERIFY2(why.contains("No such file or directory"), qPrintable(why));
        QVERIFY2(why.contains("cannot create a temporary file"), qPrintable(why));
        // A regular file where a directory should be.
        write_plain(dir() / "plain", "p");
        QVERIFY(refusal(dir() / "plain" / "m.bin", "x").contains("Not a directory"));
        QCOMPARE(read_all(dir() / "plain"), std::string("p"));
    }

    void check_save_target_refuses_up_front_and_writes_nothing()
    {
        QCOMPARE(files::check_save_target(dir() / "new.bin"), dir() / "new.bin");
        QVERIFY(!fs::exists(dir() / "new.bin"));
        write_plain(dir() / "real", "kept");
        fs::create_symlink("real", dir() / "link");
        QCOMPARE(files::check_save_target(dir() / "link"), dir() / "real");
        QCOMPARE(read_all(dir() / "real"), std::string("kept"));
        QCOMPARE(::mkfifo((dir() / "pipe").c_str(), 0644), 0);
        const auto message = [](const fs::path& p) {
            try {
                files::check_save_target(p);
            } catch (const std::invalid_argument& e) {
                return QString::fromUtf8(e.what());
            }
            return QString();
        };
        QVERIFY(message(dir() / "pipe").contains("a FIFO (named pipe), not a regular file"));
        QVERIFY(message(dir() / "no" / "m.bin").contains("No such file or directory"));
        QVERIFY(message(dir() / "real" / "m.bin").contains("Not a directory"));
        QCOMPARE(names_in(dir()), (QStringList{"link", "pipe", "real"}));
    }

    void not_a_file_name_is_refused()
    {
        QVERIFY(refusal("", "x").contains("not a file name"));
        QVERIFY(refusal(dir() / "", "x").contains("not a file name"));
    }

    void the_safetensors_writer_goes_through_it()
    {
        io::SafetensorsWriter w;
        Matrix m(1, 2);
        m << 1, 2;
        w.add("t", m);
        write_plain(dir() / "real.safetensors", "old");
        fs::create_symlink("real.safetensors", dir() / "link.safetensors");
        w.write(dir() / "link.safetensors");
        QVERIFY(fs::is_symlink(dir() / "link.safetensors"));
        const std::vector<std::byte> b = w.bytes();
        QCOMPARE(read_all(dir() / "real.safetensors"), std::string(reinterpret_cast<const char*>(b.data()), b.size()));
        QCOMPARE(::mkfifo((dir() / "pipe").c_str(), 0644), 0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, w.write(dir() / "pipe"));
        QVERIFY(fs::is_fifo(dir() / "pipe"));
    }
};

QTEST_GUILESS_MAIN(TestAtomicWrite)
#include "test_atomic_write.moc"
