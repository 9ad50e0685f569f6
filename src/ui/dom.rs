//! Views described as data: a tree of elements, attributes and text ([`Node`]), drawn by one
//! generic routine with a handful of DOM calls.
//!
//! Why: Leptos compiles every `view!` element, attribute and child list into types of their own,
//! with their own build and rebuild code. For views that only show data (the diagnostics list, the
//! close and token cards) that code is most of their cost in the panel views' chunk; described
//! as data, they share this module's. Reactive parts stay in `view!`: a [`Node`] is drawn whole,
//! and drawn again whole when the closure that made it runs again.
//!
//! Text is always set as text, never parsed as HTML, exactly as `view!` does it: payloads and
//! token claims come from the page.
//!
//! Clicks: a node can listen for clicks on any descendant that carries a given attribute
//! ([`Node::on_click_of`]), so a list of evidence links costs one listener and no closure per link.

use leptos::prelude::*;
use leptos::tachys::html::attribute::any_attribute::AnyAttribute;
use leptos::tachys::hydration::Cursor;
use leptos::tachys::view::{Mountable, Position, PositionState, Render, RenderHtml};
use wasm_bindgen::{closure::Closure, JsCast};

/// An element with its attributes, children and click listener; built with [`el`].
pub struct Node(Box<Element>);

/// Boxed so that chaining builder calls moves a pointer, not the whole element: together with
/// the `#[inline(never)]` builders this keeps each call site a few bytes of wasm.
struct Element {
    tag: &'static str,
    attrs: Vec<(&'static str, String)>,
    kids: Vec<Kid>,
    click: Option<(&'static str, Callback<String>)>,
}

enum Kid {
    El(Node),
    Text(String),
}

/// A new element: `el("li").attr("data-severity", "error").text("…")`.
#[inline(never)]
pub fn el(tag: &'static str) -> Node {
    Node(Box::new(Element { tag, attrs: Vec::new(), kids: Vec::new(), click: None }))
}

impl Node {
    #[inline(never)]
    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.0.attrs.push((name, value.into()));
        self
    }
    #[inline(never)]
    pub fn class(self, value: &'static str) -> Self {
        self.attr("class", value)
    }
    /// `data-testid`, what the tests find the element by.
    #[inline(never)]
    pub fn testid(self, value: &'static str) -> Self {
        self.attr("data-testid", value)
    }
    /// Text after the children so far (set as text, never as HTML).
    #[inline(never)]
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.0.kids.push(Kid::Text(text.into()));
        self
    }
    #[inline(never)]
    pub fn child(mut self, node: Node) -> Self {
        self.0.kids.push(Kid::El(node));
        self
    }
    #[inline(never)]
    pub fn opt(self, node: Option<Node>) -> Self {
        match node {
            Some(n) => self.child(n),
            None => self,
        }
    }
    #[inline(never)]
    pub fn children(mut self, nodes: impl IntoIterator<Item = Node>) -> Self {
        self.0.kids.extend(nodes.into_iter().map(Kid::El));
        self
    }
    /// A click on this element or inside it runs `on` with the value of `attr` on the nearest
    /// element that has it (e.g. `data-evidence` on a link button); clicks elsewhere do nothing.
    #[inline(never)]
    pub fn on_click_of(mut self, attr: &'static str, on: Callback<String>) -> Self {
        self.0.click = Some((attr, on));
        self
    }

    /// The tree as HTML text, escaped (for tests and any server rendering; the panel draws with
    /// [`Render`]).
    pub fn to_html(&self) -> String {
        let mut out = String::new();
        self.write_html(&mut out);
        out
    }

    fn write_html(&self, out: &mut String) {
        let e = &self.0;
        out.push('<');
        out.push_str(e.tag);
        for (name, value) in &e.attrs {
            out.push(' ');
            out.push_str(name);
            out.push_str("=\"");
            escape_into(value, out);
            out.push('"');
        }
        out.push('>');
        for kid in &e.kids {
            match kid {
                Kid::El(n) => n.write_html(out),
                Kid::Text(t) => escape_into(t, out),
            }
        }
        out.push_str("</");
        out.push_str(e.tag);
        out.push('>');
    }

    fn build_in(self, doc: &web_sys::Document, listeners: &mut Vec<Listener>) -> web_sys::Element {
        let e = *self.0;
        // Tags are our own literals, so creation cannot fail on a well-formed build; if it ever
        // does, a <span> keeps the rest of the tree visible instead of aborting the panel.
        let element = doc.create_element(e.tag).or_else(|_| doc.create_element("span")).expect("a document makes spans");
        for (name, value) in &e.attrs {
            let _ = element.set_attribute(name, value);
        }
        for kid in e.kids {
            let _ = match kid {
                Kid::El(n) => element.append_child(&n.build_in(doc, listeners)),
                Kid::Text(t) => element.append_child(&doc.create_text_node(&t)),
            };
        }
        if let Some((attr, on)) = e.click {
            let selector = format!("[{attr}]");
            let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
                let hit = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|t| t.closest(&selector).ok().flatten());
                if let Some(value) = hit.and_then(|h| h.get_attribute(attr)) {
                    on.run(value);
                }
            });
            let _ = element.add_event_listener_with_callback("click", listener.as_ref().unchecked_ref());
            listeners.push(listener);
        }
        element
    }
}

type Listener = Closure<dyn FnMut(web_sys::Event)>;

fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// A drawn [`Node`]: its element, and the click listeners that live as long as it does.
pub struct NodeState {
    element: web_sys::Element,
    _listeners: Vec<Listener>,
}

impl Mountable for NodeState {
    fn unmount(&mut self) {
        self.element.unmount();
    }
    fn mount(&mut self, parent: &web_sys::Element, marker: Option<&web_sys::Node>) {
        self.element.mount(parent, marker);
    }
    fn insert_before_this(&self, child: &mut dyn Mountable) -> bool {
        self.element.insert_before_this(child)
    }
    fn elements(&self) -> Vec<web_sys::Element> {
        vec![self.element.clone()]
    }
}

impl Render for Node {
    type State = NodeState;

    fn build(self) -> NodeState {
        let mut listeners = Vec::new();
        let element = self.build_in(&document(), &mut listeners);
        NodeState { element, _listeners: listeners }
    }

    /// Drawn again whole: these trees are small, and change only when their data does.
    fn rebuild(self, state: &mut NodeState) {
        let mut next = self.build();
        state.insert_before_this(&mut next);
        state.unmount();
        *state = next;
    }
}

// Attributes spread onto a component's output (`<Card attr:x=… />`) are not supported: put them
// in the tree. No caller spreads any.
leptos::tachys::no_attrs!(Node);

impl RenderHtml for Node {
    type AsyncOutput = Self;
    type Owned = Self;
    const MIN_LENGTH: usize = 0;

    fn dry_resolve(&mut self) {}

    async fn resolve(self) -> Self {
        self
    }

    fn to_html_with_buf(self, buf: &mut String, _: &mut Position, _: bool, _: bool, _: Vec<AnyAttribute>) {
        self.write_html(buf);
    }

    /// The panel renders on the client only: there is no server HTML to adopt, so draw it.
    fn hydrate<const FROM_SERVER: bool>(self, _: &Cursor, _: &PositionState) -> NodeState {
        self.build()
    }

    fn into_owned(self) -> Self {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped_never_markup() {
        let n = el("li").attr("data-x", "a\"><script>").text("<b>&</b>").child(el("span").class("muted").text("ok"));
        assert_eq!(n.to_html(), "<li data-x=\"a&quot;&gt;&lt;script&gt;\">&lt;b&gt;&amp;&lt;/b&gt;<span class=\"muted\">ok</span></li>");
    }

    #[test]
    fn optional_children_and_lists_keep_their_order() {
        let n = el("ul").opt(None).children((1..=3).map(|i| el("li").text(i.to_string()))).opt(Some(el("p")));
        assert_eq!(n.to_html(), "<ul><li>1</li><li>2</li><li>3</li><p></p></ul>");
    }
}
