package apiclient

// TLSConfigForTest is the TLS configuration every request of the client
// uses, for tests of what it negotiates.
var TLSConfigForTest = tlsConfig
