import Testing

@testable import StatusServer

@Suite struct ListenAddressTests {
    @Test(arguments: [
        ("127.0.0.1:9464", "127.0.0.1", 9464), ("localhost:0", "127.0.0.1", 0), ("[::1]:9464", "::1", 9464),
        ("0.0.0.0:80", "0.0.0.0", 80),
    ])
    func parses(_ text: String, _ host: String, _ port: Int) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host && Int(address.port) == port)
    }

    @Test(arguments: ["9464", "127.0.0.1", "127.0.0.1:70000", "example.org:9464", "[::1]", "1.2.3:9", ":9464"])
    func refuses(_ text: String) {
        #expect(throws: ListenAddress.ParseError.invalid(text)) { try ListenAddress(parsing: text) }
    }
}

@Suite struct StatusPageTests {
    @Test func everyMarkupCharacterIsEscaped() {
        #expect(
            StatusPage.escape(#"<script>alert("x") & 'y'</script>"#)
                == "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;")
        let table = StatusPage.table(["<th>"], [["<td>", "a&b"]])
        #expect(!table.contains("<td><td>") && table.contains("<th>&lt;th&gt;</th>") && table.contains("<td>a&amp;b</td>"))
    }
}
