// The editor's "Embed" button (django-prose-editor extension, registered in
// settings.DJANGO_PROSE_EDITOR_EXTENSIONS). It asks for a URL, checks it against
// the same patterns as articles/embeds.py (the server stays the authority) and
// inserts <figure data-embed="provider:id">, shown here as a labelled box. A
// supported URL pasted on its own becomes an embed too.
import { Node, updateAttrsDialog } from "django-prose-editor/editor"

const NAMES = {
  youtube: "YouTube video",
  vimeo: "Vimeo video",
  x: "X post",
  instagram: "Instagram post",
  tiktok: "TikTok video",
  spotify: "Spotify",
}
const IDS = {
  youtube: /^[A-Za-z0-9_-]{11}$/,
  vimeo: /^[0-9]{6,12}$/,
  x: /^[0-9]{5,25}$/,
  instagram: /^[A-Za-z0-9_-]{5,40}$/,
  tiktok: /^[0-9]{10,25}$/,
  spotify: /^(?:track|album|playlist|episode|show|artist)\/[A-Za-z0-9]{22}$/,
}
const YOUTUBE = ["youtube.com", "www.youtube.com", "m.youtube.com"]
const PATHS = [
  ["youtube", ["youtu.be"], /^\/([A-Za-z0-9_-]{11})\/?$/],
  [
    "youtube",
    [...YOUTUBE, "www.youtube-nocookie.com", "youtube-nocookie.com"],
    /^\/(?:embed|shorts|live|v)\/([A-Za-z0-9_-]{11})\/?$/,
  ],
  ["vimeo", ["vimeo.com", "www.vimeo.com"], /^\/([0-9]{6,12})\/?$/],
  ["vimeo", ["player.vimeo.com"], /^\/video\/([0-9]{6,12})\/?$/],
  [
    "x",
    ["x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"],
    /^\/(?:[A-Za-z0-9_]{1,15}|i)\/status\/([0-9]{5,25})\/?$/,
  ],
  [
    "instagram",
    ["instagram.com", "www.instagram.com"],
    /^\/(?:p|reel|tv)\/([A-Za-z0-9_-]{5,40})(?:\/embed)?\/?$/,
  ],
  [
    "tiktok",
    ["tiktok.com", "www.tiktok.com", "m.tiktok.com"],
    /^\/(?:@[A-Za-z0-9_.]{1,32}\/video|embed\/v2|embed)\/([0-9]{10,25})\/?$/,
  ],
  [
    "spotify",
    ["open.spotify.com"],
    /^(?:\/intl-[a-z]{2}(?:-[A-Za-z]{2})?)?(?:\/embed)?\/((?:track|album|playlist|episode|show|artist)\/[A-Za-z0-9]{22})\/?$/,
  ],
]

export function refFromUrl(value) {
  const text = (value || "").trim()
  if (!text || text.length > 500 || /[\s\x00-\x1f]/.test(text)) return null
  let url
  try {
    url = new URL(text)
  } catch {
    return null
  }
  if (!["https:", "http:"].includes(url.protocol) || url.username || url.password)
    return null
  if (url.port && !["80", "443"].includes(url.port)) return null
  const host = url.hostname.toLowerCase()
  if (YOUTUBE.includes(host) && ["/watch", "/watch/"].includes(url.pathname)) {
    const id = url.searchParams.get("v") || ""
    return IDS.youtube.test(id) ? `youtube:${id}` : null
  }
  for (const [key, hosts, path] of PATHS) {
    const match = hosts.includes(host) && path.exec(url.pathname)
    if (match) return `${key}:${match[1]}`
  }
  return null
}

function validRef(ref) {
  const at = (ref || "").indexOf(":")
  if (at < 0) return false
  const key = ref.slice(0, at)
  return Object.hasOwn(IDS, key) && IDS[key].test(ref.slice(at + 1))
}

export function embedLabel(ref, title) {
  const at = ref.indexOf(":")
  const label = `${NAMES[ref.slice(0, at)]} ${ref.slice(at + 1)}`
  return title ? `${label}: ${title}` : label
}

// The embed, then a paragraph to go on writing in (an atom keeps no caret).
function insertEmbed(editor, ref, title, image = null) {
  editor
    .chain()
    .focus()
    .insertContent([{ type: "embed", attrs: { ref, title, image } }, { type: "paragraph" }])
    .run()
}

const NONE = "(no picture)"
const SUPPORTED = "YouTube, Vimeo, X, Instagram, TikTok or Spotify"

async function askForEmbed(editor, initial = { url: "", title: "" }, problem = "") {
  // A local thumbnail is optional: a library picture with alt text and credit.
  let thumbnails = []
  try {
    thumbnails = (await loadLibrary()).images
  } catch {
    thumbnails = []
  }
  const fields = {
    url: {
      type: "string",
      title: "Address of the video or post",
      description: problem || `A ${SUPPORTED} link.`,
      required: true,
    },
    title: {
      type: "string",
      title: "Title (shown to readers before the embed loads)",
    },
  }
  if (thumbnails.length) {
    fields.thumbnail = {
      title: "Thumbnail from the library (optional; nothing is fetched from the provider)",
      enum: [NONE, ...thumbnails.map(imageLabel)],
      default: NONE,
    }
  }
  const values = await updateAttrsDialog(fields, {
    title: "Embed a video or post",
    submitText: "Insert embed",
  })(editor, initial)
  if (!values) return
  const ref = refFromUrl(values.url)
  if (!ref) {
    askForEmbed(
      editor,
      values,
      `That is not a ${SUPPORTED} address we can embed. Paste the address of the video or post itself.`,
    )
    return
  }
  const thumbnail = thumbnails.find((image) => imageLabel(image) === values.thumbnail)
  insertEmbed(editor, ref, values.title.trim(), thumbnail ? String(thumbnail.id) : null)
}

export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return {
      ref: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-embed"),
        renderHTML: (attributes) => ({ "data-embed": attributes.ref }),
      },
      title: {
        default: "",
        parseHTML: (element) => element.getAttribute("data-embed-title") || "",
        renderHTML: (attributes) =>
          attributes.title ? { "data-embed-title": attributes.title } : {},
      },
      image: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-embed-image"),
        renderHTML: (attributes) =>
          attributes.image ? { "data-embed-image": attributes.image } : {},
      },
    }
  },

  parseHTML() {
    return [
      {
        tag: "figure[data-embed]",
        priority: 60,
        getAttrs: (element) => (validRef(element.getAttribute("data-embed")) ? null : false),
      },
    ]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },

  addNodeView() {
    return ({ node }) => {
      const dom = document.createElement("figure")
      dom.className = "prose-embed"
      dom.setAttribute("data-embed", node.attrs.ref)
      dom.setAttribute("role", "img")
      const label = () => {
        const thumb = node.attrs.image
          ? ` (thumbnail: ${pictureLabel(node.attrs.image)})`
          : ""
        const text = embedLabel(node.attrs.ref, node.attrs.title) + thumb
        dom.setAttribute("aria-label", text)
        dom.textContent = text
      }
      label()
      return relabelled(dom, label)
    }
  },

  addCommands() {
    return {
      insertEmbed:
        () =>
        ({ editor }) => {
          askForEmbed(editor)
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "embed",
      groups: "nodes",
      command: (editor) => askForEmbed(editor),
      button: buttons.text("Embed", "Embed a video or post"),
      active: (editor) => editor.isActive("embed"),
    })
  },

  // A supported address pasted on its own (one line) becomes an embed.
  onCreate() {
    const editor = this.editor
    editor.view.dom.addEventListener(
      "paste",
      (event) => {
        const text = event.clipboardData?.getData("text/plain") || ""
        const ref = !text.includes("\n") && refFromUrl(text)
        if (!ref) return
        event.preventDefault()
        event.stopPropagation()
        insertEmbed(editor, ref, "", null)
      },
      true,
    )
  },
})

// Pictures from the image library (articles/inline_images.py): the body keeps
// <figure data-image="12"> or <figure data-gallery="12 7 30">, never a URL. Only
// pictures with alt text and a credit are offered (the admin's library list).
const LIBRARY_URL = "/admin/articles/image/library/"
const library = new Map()
// Labels of boxes already drawn, renewed once the library is known.
const relabel = new Set()

async function loadLibrary() {
  const response = await fetch(LIBRARY_URL, { credentials: "same-origin" })
  if (!response.ok) throw new Error(`library: ${response.status}`)
  const data = await response.json()
  for (const image of data.images) library.set(String(image.id), image)
  for (const update of relabel) update()
  return data
}

function imageLabel(image) {
  return `${image.title} — ${image.credit} (#${image.id})`
}

function pictureLabel(id) {
  const image = library.get(String(id))
  return image ? `Picture: ${image.title} (${image.credit})` : `Picture #${id}`
}

async function choosePictures(editor, count) {
  let data
  try {
    data = await loadLibrary()
  } catch {
    window.alert("The image library could not be loaded. Try again.")
    return null
  }
  const canUpload = count === 1 && data.can_upload
  if (!data.images.length) {
    if (canUpload) return { upload: true }
    window.alert(
      "No picture in the library has alt text and a credit yet. Add one under Images first.",
    )
    return null
  }
  const labels = data.images.map(imageLabel)
  const byLabel = new Map(data.images.map((image) => [imageLabel(image), image]))
  const fields = {}
  for (let i = 1; i <= count; i++) {
    fields[`picture${i}`] = {
      title: count === 1 ? "Picture" : `Picture ${i}`,
      enum: count === 1 ? labels : [NONE, ...labels],
      default: count === 1 ? labels[0] : i <= 2 ? labels[i - 1] || NONE : NONE,
      description:
        i === 1
          ? canUpload
            ? "Only pictures with alt text and a credit are listed. Not there? Upload a new picture with the button below."
            : "Only pictures with alt text and a credit are listed. To upload one, add it under Images (in a new tab) and press the button again."
          : "",
    }
  }
  if (count === 1) {
    fields.caption = { type: "string", title: "Caption (the library's caption if empty)" }
  }
  let upload = false
  const values = await updateAttrsDialog(fields, {
    title: count === 1 ? "Insert a picture" : "Insert a gallery",
    submitText: count === 1 ? "Insert picture" : "Insert gallery",
    actions: canUpload
      ? [
          {
            text: "Upload a new picture…",
            handler: (_values, form) => {
              upload = true
              form.closest("dialog").close()
            },
          },
        ]
      : [],
  })(editor, {})
  if (upload) return { upload: true }
  if (!values) return null
  const ids = []
  for (let i = 1; i <= count; i++) {
    const image = byLabel.get(values[`picture${i}`])
    if (image && !ids.includes(String(image.id))) ids.push(String(image.id))
  }
  return { ids, caption: (values.caption || "").trim() }
}

// Uploading a picture from the editor (ImageAdmin.upload_view): the same checks
// as the Images add form; alt text and credit are required here as there.
const UPLOAD_URL = "/admin/articles/image/library/upload/"
const UPLOAD_FIELDS = [
  ["file", "Picture file (JPEG, PNG, WebP or GIF)", "file", true],
  ["title", "Title (for the library only; readers do not see it)", "text", true],
  ["alt_text", "Alt text: what the picture shows, for readers who cannot see it", "text", true],
  ["credit", "Credit: photographer and agency, e.g. Jane Doe / Netflix", "text", true],
  ["caption", "Caption (optional)", "text", false],
]
let uploads = 0

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]")
  if (input) return input.value
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)
  return match ? decodeURIComponent(match[1]) : ""
}

function element(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props)
  node.append(...children)
  return node
}

async function sendUpload(form) {
  let response
  try {
    response = await fetch(UPLOAD_URL, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
  } catch {
    return { error: "The picture could not be sent: no connection. Try again." }
  }
  const data = await response.json().catch(() => null)
  if (response.ok && data?.image) return data
  if (data?.error) return data
  return {
    error: `The upload failed (${response.status}). Your session may have ended: save your work in another tab, log in again and retry.`,
  }
}

// The upload dialog; resolves with the new picture, or null when cancelled.
function uploadPicture(editor) {
  return new Promise((resolve) => {
    const prefix = `prose-upload-${++uploads}-`
    const inputs = {}
    const rows = UPLOAD_FIELDS.map(([name, title, type, required]) => {
      const input = element("input", { id: prefix + name, name, type, required })
      if (type === "file") input.accept = "image/jpeg,image/png,image/webp,image/gif"
      else input.size = 50
      inputs[name] = input
      return element("div", { className: "prose-editor-dialog-field" }, [
        element("label", { htmlFor: input.id, textContent: title }),
        input,
      ])
    })
    const problem = element("p", { className: "prose-upload-problem errornote", hidden: true })
    problem.setAttribute("role", "alert")
    const submit = element("button", { type: "submit", textContent: "Upload and insert" })
    const cancel = element("button", {
      type: "button",
      className: "cancel",
      textContent: "Cancel",
    })
    const form = element("form", { method: "post" }, [
      element("h3", {
        className: "prose-editor-dialog-title",
        textContent: "Upload a new picture",
      }),
      ...rows,
      problem,
      element("div", { className: "prose-editor-dialog-buttons" }, [submit, cancel]),
    ])
    const dialog = element("dialog", { className: "prose-editor-dialog prose-upload-dialog" }, [
      form,
    ])
    const wrapper = element("div", {}, [dialog])
    cancel.addEventListener("click", () => dialog.close())
    dialog.addEventListener("close", () => {
      wrapper.remove()
      resolve(null)
    })
    form.addEventListener("submit", async (event) => {
      event.preventDefault()
      for (const name of ["title", "alt_text", "credit"]) {
        const input = inputs[name]
        input.value = input.value.trim()
      }
      if (!form.reportValidity()) return
      problem.hidden = true
      submit.disabled = true
      submit.textContent = "Uploading…"
      const data = await sendUpload(form)
      submit.disabled = false
      submit.textContent = "Upload and insert"
      if (data.image) {
        library.set(String(data.image.id), data.image)
        resolve(data.image)
        dialog.close()
        return
      }
      problem.textContent = data.error
      problem.hidden = false
    })
    editor.view.dom.parentElement.append(wrapper)
    dialog.showModal()
    inputs.file.focus()
  })
}

function setLabel(dom, text) {
  dom.setAttribute("aria-label", text)
  dom.textContent = text
}

function relabelled(dom, label) {
  relabel.add(label)
  return { dom, destroy: () => relabel.delete(label) }
}

function labelledBox(text, attrs) {
  const dom = document.createElement("figure")
  dom.className = "prose-embed prose-picture"
  for (const [name, value] of Object.entries(attrs)) dom.setAttribute(name, value)
  dom.setAttribute("role", "img")
  dom.setAttribute("aria-label", text)
  dom.textContent = text
  return dom
}

export const InlineImage = Node.create({
  name: "inlineImage",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return {
      image: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-image"),
        renderHTML: (attributes) => ({ "data-image": attributes.image }),
      },
      caption: {
        default: "",
        parseHTML: (element) => element.getAttribute("data-image-caption") || "",
        renderHTML: (attributes) =>
          attributes.caption ? { "data-image-caption": attributes.caption } : {},
      },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-image]", priority: 60 }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },

  addNodeView() {
    return ({ node }) => {
      const dom = labelledBox("", { "data-image": node.attrs.image })
      const label = () => {
        const text = pictureLabel(node.attrs.image)
        setLabel(dom, node.attrs.caption ? `${text}: ${node.attrs.caption}` : text)
      }
      label()
      return relabelled(dom, label)
    }
  },

  onCreate() {
    // Labels name the pictures once the library is known.
    loadLibrary().catch(() => {})
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "inlineImage",
      groups: "nodes",
      command: async (editor) => {
        let chosen = await choosePictures(editor, 1)
        if (chosen?.upload) {
          const image = await uploadPicture(editor)
          chosen = image ? { ids: [String(image.id)], caption: "" } : null
        }
        if (!chosen?.ids.length) return
        editor
          .chain()
          .focus()
          .insertContent([
            { type: "inlineImage", attrs: { image: chosen.ids[0], caption: chosen.caption } },
            { type: "paragraph" },
          ])
          .run()
      },
      button: buttons.text("Picture", "Insert a picture from the library"),
      active: (editor) => editor.isActive("inlineImage"),
    })
  },
})

export const Gallery = Node.create({
  name: "gallery",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return {
      images: {
        default: "",
        parseHTML: (element) => element.getAttribute("data-gallery"),
        renderHTML: (attributes) => ({ "data-gallery": attributes.images }),
      },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-gallery]", priority: 60 }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },

  addNodeView() {
    return ({ node }) => {
      const ids = (node.attrs.images || "").split(" ").filter(Boolean)
      const dom = labelledBox("", { "data-gallery": node.attrs.images })
      const label = () =>
        setLabel(dom, `Gallery of ${ids.length}: ${ids.map(pictureLabel).join("; ")}`)
      label()
      return relabelled(dom, label)
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "gallery",
      groups: "nodes",
      command: async (editor) => {
        const chosen = await choosePictures(editor, 6)
        if (!chosen) return
        if (chosen.ids.length < 2) {
          window.alert("A gallery needs at least two different pictures.")
          return
        }
        editor
          .chain()
          .focus()
          .insertContent([
            { type: "gallery", attrs: { images: chosen.ids.join(" ") } },
            { type: "paragraph" },
          ])
          .run()
      },
      button: buttons.text("Gallery", "Insert a gallery of library pictures"),
      active: (editor) => editor.isActive("gallery"),
    })
  },
})
