package saml

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"

	"github.com/beevik/etree"
	crewjam "github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"
)

// Metadata returns our SP metadata for base: crewjam's SP descriptor (our
// certificate for signing and encryption, AuthnRequestsSigned and
// WantAssertionsSigned, the ACS in the HTTP-POST binding) and, when signed,
// an enveloped XML signature (exclusive c14n, RSA-SHA256) over the
// EntityDescriptor, referenced by its ID, as the first child.
func Metadata(base string, k *PlatformKey, signed bool) ([]byte, error) {
	sp, err := serviceProvider(base, k, nil, false)
	if err != nil {
		return nil, err
	}
	ed := sp.Metadata()
	for i := range ed.SPSSODescriptors {
		// We take responses by HTTP-POST only: artifact resolution would
		// make us call out to the IdP.
		var acs []crewjam.IndexedEndpoint
		for _, ep := range ed.SPSSODescriptors[i].AssertionConsumerServices {
			if ep.Binding == crewjam.HTTPPostBinding {
				acs = append(acs, ep)
			}
		}
		ed.SPSSODescriptors[i].AssertionConsumerServices = acs
	}
	sum := sha256.Sum256([]byte(ed.EntityID))
	ed.ID = "_" + hex.EncodeToString(sum[:16])
	raw, err := xml.Marshal(ed)
	if err != nil {
		return nil, fmt.Errorf("marshal sp metadata: %w", err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		return nil, fmt.Errorf("reparse sp metadata: %w", err)
	}
	root := doc.Root()
	if signed {
		if root, err = signEnveloped(k, root); err != nil {
			return nil, fmt.Errorf("sign sp metadata: %w", err)
		}
	}
	out := etree.NewDocument()
	out.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	out.SetRoot(root)
	return out.WriteToBytes()
}

// signEnveloped signs el and moves the signature to be its first child,
// where the metadata schema wants it (the enveloped transform ignores where
// it sits).
func signEnveloped(k *PlatformKey, el *etree.Element) (*etree.Element, error) {
	ctx, err := dsig.NewSigningContext(k.Key, [][]byte{k.Certificate.Raw})
	if err != nil {
		return nil, err
	}
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	if err := ctx.SetSignatureMethod(dsig.RSASHA256SignatureMethod); err != nil {
		return nil, err
	}
	signed, err := ctx.SignEnveloped(el)
	if err != nil {
		return nil, err
	}
	sig := signed.RemoveChildAt(len(signed.Child) - 1)
	signed.InsertChildAt(0, sig)
	return signed, nil
}

// serveMetadata is GET /authui/saml/metadata.xml: signed unless
// ?unsigned=true, as Huawei's endpoint.
func (s *Service) serveMetadata(w http.ResponseWriter, r *http.Request) {
	k, err := s.PlatformKey(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := Metadata(s.baseURL(r), k, r.URL.Query().Get("unsigned") != "true")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	w.Header().Set("Content-Disposition", `inline; filename="metadata.xml"`)
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(out)
}
