// Corpus replay driver for builds without libFuzzer (SRA_FUZZ_ENGINE=replay): every argument is a corpus
// directory or a single input file; each regular file is fed once to LLVMFuzzerTestOneInput, in sorted
// order so failures reproduce. A missing or empty corpus is an error: a fuzz-replay test that replays
// nothing must not pass.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool readFile(const std::filesystem::path& path, std::vector<std::uint8_t>& out)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return false;
    }
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return !in.bad();
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    std::size_t replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg(argv[i]);
        std::error_code ec;
        std::vector<std::filesystem::path> inputs;
        if (std::filesystem::is_directory(arg, ec)) {
            for (const auto& entry : std::filesystem::directory_iterator(arg, ec)) {
                if (entry.is_regular_file(ec)) {
                    inputs.push_back(entry.path());
                }
            }
            if (ec) {
                std::fprintf(stderr, "%s: cannot list: %s\n", argv[i], ec.message().c_str());
                return 1;
            }
            if (inputs.empty()) {
                std::fprintf(stderr, "%s: corpus directory holds no input files\n", argv[i]);
                return 1;
            }
            std::sort(inputs.begin(), inputs.end());
        } else if (std::filesystem::is_regular_file(arg, ec)) {
            inputs.push_back(arg);
        } else {
            std::fprintf(stderr, "%s: no such corpus directory or file\n", argv[i]);
            return 1;
        }
        for (const auto& path : inputs) {
            std::vector<std::uint8_t> data;
            if (!readFile(path, data)) {
                std::fprintf(stderr, "%s: cannot read\n", path.c_str());
                return 1;
            }
            // Like libFuzzer, hand over a buffer of exactly the input's size (nullptr-safe for empty files).
            LLVMFuzzerTestOneInput(data.data(), data.size());
            ++replayed;
        }
    }
    std::printf("replayed %zu inputs\n", replayed);
    return 0;
}
