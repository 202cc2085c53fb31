package dev.dm3relay.node.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** An exclusive OS file lock on the embedded Cassandra's data dir, held while a relay owns it. */
final class DataDirLock implements AutoCloseable {

  static final String LOCK_FILE = "relay.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static DataDirLock acquire(Path dataDir) {
    Path file = dataDir.toAbsolutePath().normalize().resolve(LOCK_FILE);
    FileChannel channel = null;
    try {
      Files.createDirectories(file.getParent());
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this very JVM
      }
      if (lock == null) {
        channel.close();
        throw new IllegalStateException(
            "Another relay uses " + file.getParent() + " (its " + LOCK_FILE + " is locked); "
                + "give this one its own DATA_DIR");
      }
      return new DataDirLock(channel, lock);
    } catch (IOException e) {
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (IOException ignored) {
        // the original failure is what matters
      }
      throw new UncheckedIOException("Could not lock " + file, e);
    }
  }

  @Override
  public void close() {
    release();
  }

  synchronized void release() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
