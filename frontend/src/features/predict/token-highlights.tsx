// Why a text model scored a message as it did: the text with the tokens that pushed it
// highlighted (positive class red, negative green, stronger = larger push), a legend, and the
// top tokens each way. Spans are code points of the text as sent (Array.from indices).
import type { TokenContribution, TokenExplanation } from "../../lib/types";

export interface Segment {
  text: string;
  token: TokenContribution | null;
}

/** The text cut where highlighted tokens start and end; each piece with its token, if any. */
export function highlightSegments(text: string, tokens: TokenContribution[]): Segment[] {
  const chars = Array.from(text); // code points: an emoji is one, as the server counts
  const owner = new Array<TokenContribution | null>(chars.length).fill(null);
  for (const token of tokens) {
    for (const [start, end] of token.spans) {
      for (let i = start; i < Math.min(end, chars.length); i++) owner[i] = token;
    }
  }
  const segments: Segment[] = [];
  let from = 0;
  for (let i = 1; i <= chars.length; i++) {
    if (i === chars.length || owner[i] !== owner[from]) {
      segments.push({ text: chars.slice(from, i).join(""), token: owner[from] ?? null });
      from = i;
    }
  }
  return segments;
}

const signed = (value: number) => `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(3)}`;
const RED = "239, 68, 68";
const GREEN = "34, 197, 94";

function shade(contribution: number, scale: number): string {
  const alpha = 0.2 + 0.6 * Math.min(1, Math.abs(contribution) / scale);
  return `rgba(${contribution > 0 ? RED : GREEN}, ${alpha.toFixed(2)})`;
}

function TokenList({ title, tokens }: { title: string; tokens: TokenContribution[] }) {
  return (
    <div>
      <h4 className="mb-1 text-xs font-medium text-slate-300">{title}</h4>
      {tokens.length === 0 ? (
        <p className="text-xs text-slate-500">none</p>
      ) : (
        <ol className="space-y-0.5 text-xs" aria-label={title}>
          {tokens.map((token) => (
            <li key={token.token} className="flex justify-between gap-2">
              <span className="truncate font-mono text-slate-200" title={token.token}>
                {token.token}
                {token.spans.length > 1 && (
                  <span className="text-slate-500"> ×{token.spans.length}</span>
                )}
              </span>
              <span
                className={`tabular-nums ${token.contribution > 0 ? "text-red-300" : "text-green-300"}`}
              >
                {signed(token.contribution)}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

export function TokenHighlights({
  explanation,
  text,
  classes,
}: {
  explanation: TokenExplanation;
  /** The text as it was sent (the spans index it). */
  text: string;
  /** The model's two classes, the positive first. */
  classes: [string, string];
}) {
  const { positive, negative, other } = explanation.tokens;
  const listed = [...positive, ...negative];
  const scale = Math.max(...listed.map((token) => Math.abs(token.contribution)), 1e-9);
  const [yes, no] = classes;
  return (
    <figure aria-label="Words that pushed the score" className="space-y-3">
      <figcaption className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-400">
        <span className="flex items-center gap-1.5">
          <span className="h-3 w-3 rounded-sm" style={{ background: `rgba(${RED}, 0.8)` }} />
          pushes toward {yes}
        </span>
        <span className="flex items-center gap-1.5">
          <span className="h-3 w-3 rounded-sm" style={{ background: `rgba(${GREEN}, 0.8)` }} />
          pushes toward {no}
        </span>
        <span>stronger colour, larger push</span>
      </figcaption>
      <p
        data-testid="highlighted-text"
        className="max-h-72 overflow-auto whitespace-pre-wrap break-words rounded-lg bg-slate-950 p-3 text-sm leading-relaxed text-slate-300 ring-1 ring-slate-800"
      >
        {highlightSegments(text, listed).map((segment, i) =>
          segment.token ? (
            <mark
              key={i}
              data-direction={segment.token.contribution > 0 ? "positive" : "negative"}
              title={`${segment.token.token}: ${signed(segment.token.contribution)} toward ${segment.token.contribution > 0 ? yes : no}`}
              className="rounded-sm px-px text-white"
              style={{ background: shade(segment.token.contribution, scale) }}
            >
              {segment.text}
            </mark>
          ) : (
            <span key={i}>{segment.text}</span>
          ),
        )}
      </p>
      <div className="grid grid-cols-2 gap-4">
        <TokenList title={`Toward ${yes}`} tokens={positive} />
        <TokenList title={`Toward ${no}`} tokens={negative} />
      </div>
      <p className="text-xs text-slate-500">
        Contributions to the margin (log-odds): base {signed(explanation.bias)}, these tokens, and{" "}
        {signed(other)} from the rest of the text add up to {signed(explanation.margin)}.
      </p>
    </figure>
  );
}
