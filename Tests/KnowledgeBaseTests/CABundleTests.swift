import CGit2Local
import Glibc
import Testing

/// libgit2's init must not parse the system CA bundle (see CGit2Local.h): the process-wide
/// definition of `mbedtls_x509_crt_parse_file` has to be revq's empty one.
@Suite struct CABundleTests {
    @Test func theDynamicLinkerFindsRevqsDefinitionFirst() throws {
        let program = try #require(dlopen(nil, RTLD_NOW))
        defer { dlclose(program) }
        let found = try #require(dlsym(program, "mbedtls_x509_crt_parse_file"))
        let ours = unsafeBitCast(
            mbedtls_x509_crt_parse_file as @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32, to: UnsafeRawPointer.self)
        #expect(UnsafeRawPointer(found) == ours)
    }
}
