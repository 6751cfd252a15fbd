package dev.flowvi.engine.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the plain-text model format (grammar in docs/MODELS.md) into a {@link ModelBuilder}, so a
 * model needs no Java. One statement per line; a statement continues over line breaks inside
 * parentheses; '#' starts a comment.
 *
 * <pre>
 * data x, y
 * param w : interval(0, 1) ~ uniform(0, 1)
 * param m[2] : ordered ~ normal(0, 10)
 * let mu = m[1] * x
 * y ~ normal(mu, 1)
 * target += sum(log_sum_exp(log(w) + normal_lpdf(y | m[1] * x, 1), log1p(-w) + normal_lpdf(y | m[2] * x, 1)))
 * </pre>
 */
public final class ModelFile {
  private final String source;
  private final List<Token> tokens;
  private int pos;
  private final ModelBuilder builder = ModelBuilder.create();
  private final Map<String, Expr> scalars = new LinkedHashMap<>();
  private final Map<String, Parameter> vectors = new LinkedHashMap<>();

  private ModelFile(String source, String text) {
    this.source = source;
    this.tokens = new Lexer(source, text).tokens();
  }

  /** Parses model text; {@code source} names it in error messages (e.g. the file name). */
  public static Model parse(String text, String source) {
    if (text == null) {
      throw new IllegalArgumentException("model text of " + source + " is null");
    }
    ModelFile f = new ModelFile(source, text);
    f.statements();
    return f.builder.build();
  }

  public static Model read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model file " + file + ": " + e.getMessage(), e);
    }
  }

  private enum Kind { NAME, NUMBER, SYMBOL, NEWLINE, END }

  private record Token(Kind kind, String text, int line, int column) {
    String describe() {
      return kind == Kind.NEWLINE ? "end of line" : kind == Kind.END ? "end of file" : "'" + text + "'";
    }
  }

  /** Splits text into tokens; newlines inside brackets are dropped, so statements can span lines. */
  private static final class Lexer {
    private final String source;
    private final String text;
    private final List<Token> out = new ArrayList<>();

    Lexer(String source, String text) {
      this.source = source;
      this.text = text;
    }

    List<Token> tokens() {
      int line = 1;
      int lineStart = 0;
      int depth = 0;
      int i = 0;
      while (i < text.length()) {
        char c = text.charAt(i);
        int col = i - lineStart + 1;
        if (c == '\n') {
          if (depth == 0) {
            out.add(new Token(Kind.NEWLINE, "\n", line, col));
          }
          line++;
          lineStart = i + 1;
          i++;
        } else if (c == '#') {
          while (i < text.length() && text.charAt(i) != '\n') {
            i++;
          }
        } else if (Character.isWhitespace(c)) {
          i++;
        } else if (Character.isLetter(c) || c == '_') {
          int j = i;
          while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
            j++;
          }
          out.add(new Token(Kind.NAME, text.substring(i, j), line, col));
          i = j;
        } else if (Character.isDigit(c) || (c == '.' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1)))) {
          int j = i;
          while (j < text.length() && (Character.isDigit(text.charAt(j)) || text.charAt(j) == '.')) {
            j++;
          }
          if (j < text.length() && (text.charAt(j) == 'e' || text.charAt(j) == 'E')) {
            int k = j + 1;
            if (k < text.length() && (text.charAt(k) == '+' || text.charAt(k) == '-')) {
              k++;
            }
            if (k < text.length() && Character.isDigit(text.charAt(k))) {
              j = k;
              while (j < text.length() && Character.isDigit(text.charAt(j))) {
                j++;
              }
            }
          }
          out.add(new Token(Kind.NUMBER, text.substring(i, j), line, col));
          i = j;
        } else if (c == '+' && i + 1 < text.length() && text.charAt(i + 1) == '=') {
          out.add(new Token(Kind.SYMBOL, "+=", line, col));
          i += 2;
        } else if ("()[],|~+-*/^=:".indexOf(c) >= 0) {
          if (c == '(' || c == '[') {
            depth++;
          } else if ((c == ')' || c == ']') && depth > 0) {
            depth--;
          }
          out.add(new Token(Kind.SYMBOL, String.valueOf(c), line, col));
          i++;
        } else {
          throw new ModelSyntaxException(source, line, col, "unexpected character '" + c + "'");
        }
      }
      out.add(new Token(Kind.END, "", line, i - lineStart + 1));
      return out;
    }
  }

  // ---- statements

  private void statements() {
    while (peek().kind != Kind.END) {
      if (peek().kind == Kind.NEWLINE) {
        pos++;
        continue;
      }
      Token start = peek();
      try {
        statement();
      } catch (ModelSyntaxException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw new ModelSyntaxException(source, start.line, start.column, e.getMessage());
      }
      Token end = peek();
      if (end.kind != Kind.NEWLINE && end.kind != Kind.END) {
        throw error(end, "expected end of line after the statement");
      }
    }
  }

  private void statement() {
    Token t = peek();
    if (isWord(t, "data")) {
      pos++;
      do {
        Token name = expectName("a data column name");
        declare(name, builder.data(name.text));
      } while (accept(","));
    } else if (isWord(t, "param")) {
      pos++;
      parameter();
    } else if (isWord(t, "let")) {
      pos++;
      Token name = expectName("a name for the expression");
      expect("=");
      declare(name, expr());
    } else if (isWord(t, "target")) {
      pos++;
      expect("+=");
      builder.add(expr());
    } else {
      Expr y = expr();
      expect("~");
      builder.observe(y, density());
    }
  }

  private void parameter() {
    Token first = expectName("a parameter name");
    List<Token> names = new ArrayList<>();
    names.add(first);
    int size = -1;
    if (accept("[")) {
      Token n = next();
      if (n.kind != Kind.NUMBER || !n.text.matches("[0-9]+") || Integer.parseInt(n.text) < 1) {
        throw error(n, "expected a positive integer size");
      }
      size = Integer.parseInt(n.text);
      expect("]");
    } else {
      while (accept(",")) {
        names.add(expectName("a parameter name"));
      }
    }
    Constraint constraint = accept(":") ? constraint() : Constraint.real();
    for (Token n : names) {
      checkFree(n);
    }
    Parameter p;
    if (size > 0) {
      p = builder.parameter(first.text, size, constraint);
      vectors.put(first.text, p);
    } else {
      List<String> list = new ArrayList<>();
      for (Token n : names) {
        list.add(n.text);
      }
      p = builder.parameter(list, constraint);
      for (int k = 0; k < names.size(); k++) {
        scalars.put(names.get(k).text, p.get(k));
      }
    }
    if (accept("~")) {
      p.prior(density());
    }
  }

  private Constraint constraint() {
    Token t = expectName("a constraint (real, positive, interval, simplex or ordered)");
    switch (t.text) {
      case "real":
        return Constraint.real();
      case "positive":
        return Constraint.positive();
      case "simplex":
        return Constraint.simplex();
      case "ordered":
        return Constraint.ordered();
      case "interval": {
        expect("(");
        double lo = constant(expr(), t);
        expect(",");
        double hi = constant(expr(), t);
        expect(")");
        return Constraint.interval(lo, hi);
      }
      default:
        throw error(t, "expected a constraint (real, positive, interval, simplex or ordered)");
    }
  }

  private double constant(Expr e, Token at) {
    if (!e.isConstant()) {
      throw error(at, "expected a constant bound, got " + e);
    }
    return e.constantValue();
  }

  private Density density() {
    Token name = expectName("a distribution name, e.g. normal(0, 1)");
    Density.Family f = Density.Family.byFileName(name.text);
    if (f == null) {
      throw error(name, "unknown distribution '" + name.text + "'; expected one of " + familyNames());
    }
    expect("(");
    List<Expr> args = arguments();
    return Density.of(f, args.toArray(new Expr[0]));
  }

  private static String familyNames() {
    List<String> names = new ArrayList<>();
    for (Density.Family f : Density.Family.values()) {
      names.add(f.fileName());
    }
    return String.join(", ", names);
  }

  /** Comma-separated expressions up to and including ')'. */
  private List<Expr> arguments() {
    List<Expr> args = new ArrayList<>();
    if (accept(")")) {
      return args;
    }
    do {
      args.add(expr());
    } while (accept(","));
    expect(")");
    return args;
  }

  private void declare(Token name, Expr value) {
    checkFree(name);
    scalars.put(name.text, value);
  }

  private void checkFree(Token name) {
    if (scalars.containsKey(name.text) || vectors.containsKey(name.text)) {
      throw error(name, "name '" + name.text + "' is already declared");
    }
  }

  // ---- expressions: precedence + − (left), * / (left), unary −, ^ (right)

  private Expr expr() {
    Expr e = term();
    while (true) {
      if (accept("+")) {
        e = e.plus(term());
      } else if (accept("-")) {
        e = e.minus(term());
      } else {
        return e;
      }
    }
  }

  private Expr term() {
    Expr e = unary();
    while (true) {
      if (accept("*")) {
        e = e.times(unary());
      } else if (accept("/")) {
        e = e.div(unary());
      } else {
        return e;
      }
    }
  }

  private Expr unary() {
    if (accept("-")) {
      return unary().negate();
    }
    Expr base = primary();
    if (accept("^")) {
      return Expr.pow(base, unary());
    }
    return base;
  }

  private Expr primary() {
    Token t = next();
    if (t.kind == Kind.NUMBER) {
      try {
        return Expr.of(Double.parseDouble(t.text));
      } catch (NumberFormatException e) {
        throw error(t, "'" + t.text + "' is not a number");
      }
    }
    if (isSymbol(t, "(")) {
      Expr e = expr();
      expect(")");
      return e;
    }
    if (t.kind != Kind.NAME) {
      throw error(t, "expected a number, a name, a function call or '('");
    }
    if (accept("(")) {
      return call(t);
    }
    if (accept("[")) {
      Parameter p = vectors.get(t.text);
      if (p == null) {
        throw error(t, scalars.containsKey(t.text) ? "'" + t.text + "' is not a vector" : "undeclared name '" + t.text + "'");
      }
      Token index = next();
      if (index.kind != Kind.NUMBER || !index.text.matches("[0-9]+")) {
        throw error(index, "expected an integer index");
      }
      int k = Integer.parseInt(index.text);
      if (k < 1 || k > p.size()) {
        throw error(index, "index " + k + " is out of range, expected 1.." + p.size() + " for " + t.text);
      }
      expect("]");
      return p.get(k - 1);
    }
    Expr e = scalars.get(t.text);
    if (e == null) {
      if (vectors.containsKey(t.text)) {
        throw error(t, "'" + t.text + "' is a vector; use an element such as " + t.text + "[1]");
      }
      throw error(t, "undeclared name '" + t.text + "'; declare it with data, param or let before use");
    }
    return e;
  }

  private Expr call(Token name) {
    String f = name.text;
    if (f.endsWith("_lpdf") || f.endsWith("_lpmf")) {
      Density.Family family = Density.Family.byFileName(f.substring(0, f.length() - 5));
      if (family == null) {
        throw error(name, "unknown density '" + f + "'; expected <distribution>_lpdf with one of " + familyNames());
      }
      List<Expr> variate = new ArrayList<>();
      do {
        variate.add(expr());
      } while (accept(","));
      expect("|");
      List<Expr> args = arguments();
      try {
        return Density.of(family, args.toArray(new Expr[0])).logDensity(variate.toArray(new Expr[0]));
      } catch (IllegalArgumentException e) {
        throw error(name, e.getMessage());
      }
    }
    List<Expr> args = arguments();
    try {
      switch (f) {
        case "exp": return Expr.exp(one(name, args));
        case "log": return Expr.log(one(name, args));
        case "log1p": return Expr.log1p(one(name, args));
        case "expm1": return Expr.expm1(one(name, args));
        case "sqrt": return Expr.sqrt(one(name, args));
        case "square": return Expr.square(one(name, args));
        case "logistic":
        case "inv_logit": return Expr.logistic(one(name, args));
        case "log1p_exp": return Expr.log1pExp(one(name, args));
        case "lgamma": return Expr.logGamma(one(name, args));
        case "sum": return Expr.sum(one(name, args));
        case "log_sum_exp": return Expr.logSumExp(args.toArray(new Expr[0]));
        case "pow":
          if (args.size() != 2) {
            throw error(name, "pow takes 2 arguments, got " + args.size());
          }
          return Expr.pow(args.get(0), args.get(1));
        default:
          throw error(name, "unknown function '" + f + "'; expected exp, log, log1p, expm1, sqrt, square, pow, logistic, "
              + "log1p_exp, lgamma, log_sum_exp, sum or <distribution>_lpdf");
      }
    } catch (ModelSyntaxException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw error(name, e.getMessage());
    }
  }

  private Expr one(Token name, List<Expr> args) {
    if (args.size() != 1) {
      throw error(name, name.text + " takes 1 argument, got " + args.size());
    }
    return args.get(0);
  }

  // ---- token helpers

  private Token peek() {
    return tokens.get(pos);
  }

  private Token next() {
    Token t = tokens.get(pos);
    if (t.kind != Kind.END) {
      pos++;
    }
    return t;
  }

  private boolean accept(String symbol) {
    if (isSymbol(peek(), symbol)) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(String symbol) {
    Token t = peek();
    if (!isSymbol(t, symbol)) {
      throw error(t, "expected '" + symbol + "'");
    }
    pos++;
  }

  private Token expectName(String what) {
    Token t = peek();
    if (t.kind != Kind.NAME) {
      throw error(t, "expected " + what);
    }
    pos++;
    return t;
  }

  private static boolean isSymbol(Token t, String s) {
    return t.kind == Kind.SYMBOL && t.text.equals(s);
  }

  private static boolean isWord(Token t, String s) {
    return t.kind == Kind.NAME && t.text.equals(s);
  }

  private ModelSyntaxException error(Token at, String message) {
    return new ModelSyntaxException(source, at.line, at.column,
        message + (message.startsWith("expected") && !message.contains(", got ") ? " but found " + at.describe() : ""));
  }
}
