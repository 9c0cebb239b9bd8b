import { describe, expect, it } from "vitest";
import { ADMIN_KEY_STORAGE, captureAdminKeyFromHash, getAdminKey, setAdminKey } from "./admin-key";

describe("admin key", () => {
  it("takes #key=… from the URL into localStorage and removes it from the address bar", () => {
    window.history.replaceState(null, "", "/drift?feature=amount#key=s3cret");
    expect(captureAdminKeyFromHash()).toBe(true);
    expect(window.localStorage.getItem(ADMIN_KEY_STORAGE)).toBe("s3cret");
    expect(window.location.pathname + window.location.search + window.location.hash).toBe(
      "/drift?feature=amount",
    );
  });

  it("leaves other fragment parameters alone", () => {
    window.history.replaceState(null, "", "/#key=abc&tab=2");
    captureAdminKeyFromHash();
    expect(window.location.hash).toBe("#tab=2");
    expect(getAdminKey()).toBe("abc");
  });

  it("does nothing without a key in the fragment", () => {
    window.history.replaceState(null, "", "/#section");
    expect(captureAdminKeyFromHash()).toBe(false);
    expect(getAdminKey()).toBeNull();
  });

  it("trims on save and forgets on an empty value", () => {
    setAdminKey("  k1 ");
    expect(getAdminKey()).toBe("k1");
    setAdminKey("");
    expect(getAdminKey()).toBeNull();
  });
});
