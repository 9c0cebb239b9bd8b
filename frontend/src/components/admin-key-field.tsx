// "Admin key" control in the header: paste, replace or forget the key used for admin actions.
import { type FormEvent, useState } from "react";
import { setAdminKey, useAdminKey } from "../lib/admin-key";

export function AdminKeyField() {
  const key = useAdminKey();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState("");

  const save = (event: FormEvent) => {
    event.preventDefault();
    setAdminKey(draft);
    setDraft("");
    setOpen(false);
  };

  return (
    <div className="relative">
      <button
        type="button"
        onClick={() => setOpen((value) => !value)}
        aria-expanded={open}
        className={`inline-flex items-center gap-1.5 rounded-md px-2.5 py-1 text-xs font-medium ring-1 ${key ? "text-slate-200 ring-slate-700 hover:bg-slate-800" : "text-amber-200 ring-amber-500/40 hover:bg-amber-500/10"}`}
        title={
          key
            ? "An admin key is set: admin actions (simulator, acknowledge) are enabled."
            : "No admin key: admin actions will be refused."
        }
      >
        <svg aria-hidden viewBox="0 0 20 20" className="h-3.5 w-3.5 fill-current">
          <path d="M12.5 2a5.5 5.5 0 0 0-5.3 7l-5 5V18h3.5v-2h2v-2h2l1.1-1.1A5.5 5.5 0 1 0 12.5 2Zm1.5 5a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3Z" />
        </svg>
        {key ? "Admin key set" : "Admin key"}
      </button>
      {open && (
        <form
          onSubmit={save}
          className="absolute right-0 z-20 mt-2 w-72 rounded-lg bg-slate-900 p-3 text-xs shadow-xl ring-1 ring-slate-700"
        >
          <label htmlFor="admin-key" className="block font-medium text-slate-200">
            Admin API key
          </label>
          <p className="mt-1 text-slate-400">
            Needed to control the simulator and acknowledge alerts. The demo prints it (and a link
            with <code>#key=…</code>). Kept in this browser only.
          </p>
          <input
            id="admin-key"
            type="password"
            autoComplete="off"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            placeholder={key ? "•••••• (paste to replace)" : "paste the key"}
            className="mt-2 w-full rounded-md bg-slate-950 px-2 py-1.5 text-slate-100 ring-1 ring-slate-700 focus:outline-none focus:ring-sky-500"
          />
          <div className="mt-2 flex justify-end gap-2">
            {key && (
              <button
                type="button"
                onClick={() => {
                  setAdminKey(null);
                  setOpen(false);
                }}
                className="rounded px-2 py-1 text-slate-300 ring-1 ring-slate-700 hover:bg-slate-800"
              >
                Forget key
              </button>
            )}
            <button
              type="submit"
              disabled={!draft.trim()}
              className="rounded bg-sky-600 px-2 py-1 font-medium text-white hover:bg-sky-500 disabled:opacity-40"
            >
              Save
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
