/**
 * ENS names as the dm3 reference delivery service (ethers v5) handles them.
 *
 * <p>{@link dev.dm3relay.protocol.ens.EnsNames#normalize} is ethers 5.7 {@code nameprep}. Its RFC
 * 3454 tables live in the generated {@code NameprepTables} (see
 * {@code src/test/java/dev/dm3relay/protocol/ens/tools/gen_nameprep_tables.py}); the tests compare
 * every code point against answers recorded from ethers 5.7.2 itself
 * ({@code tools/ethers_oracle.js}).
 *
 * <p>Known deviation: nameprep's NFKC step uses the platform's Unicode (the JDK's
 * {@link java.text.Normalizer}; Java 17 = Unicode 13), as ethers uses Node's. A character newer
 * than Unicode 3.2 whose NFKC form is 3.2 text is accepted by ethers; if the JDK does not know the
 * character yet (Unicode 14 and later, 144 code points against Node with Unicode 17, mostly
 * modifier letters) we reject it as unassigned instead. ethers itself answers differently for these
 * depending on the Node version it runs on.
 */
package dev.dm3relay.protocol.ens;
